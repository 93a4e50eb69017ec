/* wh.rng and the whittle.rng type: a seeded xoshiro256** generator, the
 * same numbers on every machine, so a step that samples is reproducible.
 * Each record of a run gets one seeded from the run's seed and its index. */
#include "script-int.h"

struct rng {
	uint64_t s[4];
};

static uint64_t
splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t
next(struct rng *r)
{
	uint64_t *s = r->s, out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

/* A uniform integer in [0, n) without modulo bias. */
static uint64_t
below(struct rng *r, uint64_t n)
{
	uint64_t limit = -n % n, x;

	while ((x = next(r)) < limit)
		;
	return x % n;
}

void
wh_lua_push_rng(lua_State *L, uint64_t seed)
{
	struct rng *r = lua_newuserdatauv(L, sizeof *r, 0);

	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix(&seed);
	luaL_setmetatable(L, "whittle.rng");
}

/* wh.rng(seed) */
static int
l_rng(lua_State *L)
{
	wh_lua_push_rng(L, (uint64_t)luaL_checkinteger(L, 1));
	return 1;
}

/* r:random() in [0,1); r:random(n) in [1,n]; r:random(m, n) in [m,n]. */
static int
rng_random(lua_State *L)
{
	struct rng *r = luaL_checkudata(L, 1, "whittle.rng");
	lua_Integer lo = 1, hi;

	switch (lua_gettop(L)) {
	case 1:
		lua_pushnumber(L, (double)(next(r) >> 11) * 0x1.0p-53);
		return 1;
	case 2:
		hi = luaL_checkinteger(L, 2);
		break;
	default:
		lo = luaL_checkinteger(L, 2);
		hi = luaL_checkinteger(L, 3);
	}
	luaL_argcheck(L, lo <= hi, lua_gettop(L), "interval is empty");
	/* in unsigned arithmetic: the width of [mininteger, maxinteger] is 2^64 */
	uint64_t span = (uint64_t)hi - (uint64_t)lo;
	uint64_t x = span == UINT64_MAX ? next(r) : below(r, span + 1);
	lua_pushinteger(L, (lua_Integer)((uint64_t)lo + x));
	return 1;
}

/* r:shuffle(list): shuffles in place (Fisher-Yates) and returns list. */
static int
rng_shuffle(lua_State *L)
{
	struct rng *r = luaL_checkudata(L, 1, "whittle.rng");

	luaL_checktype(L, 2, LUA_TTABLE);
	for (lua_Integer i = (lua_Integer)lua_rawlen(L, 2); i > 1; i--) {
		lua_Integer j = 1 + (lua_Integer)below(r, (uint64_t)i);
		lua_rawgeti(L, 2, i);
		lua_rawgeti(L, 2, j);
		lua_rawseti(L, 2, i);
		lua_rawseti(L, 2, j);
	}
	lua_settop(L, 2);
	return 1;
}

static const luaL_Reg rng_methods[] = {
	{ "random", rng_random },
	{ "shuffle", rng_shuffle },
	{ NULL, NULL }
};

void
wh_lua_open_rng(lua_State *L)
{
	luaL_newmetatable(L, "whittle.rng");
	luaL_newlib(L, rng_methods);
	lua_setfield(L, -2, "__index");
	lua_pop(L, 1);
	lua_pushcfunction(L, l_rng);
	lua_setfield(L, -2, "rng");
}
