/* Numeric evaluation of answer expressions written in LaTeX or plain text:
 * numbers, + - * / ^, implicit products, \frac, \sqrt, \pi, functions, |x|
 * and n!, with free variables given deterministic pseudo-random values. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "answer-impl.h"

#define MAX_DEPTH 64
#define IS_DIGIT(c) ((c) >= '0' && (c) <= '9')
#define IS_ALPHA(c) (((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z'))

struct parser {
	const char *s;
	size_t len, i;
	unsigned point;
	int depth;
	bool ok;
	bool vars;	/* a free variable was read: the point matters */
};

static double expr(struct parser *p);
static double unary(struct parser *p);

static char
peek(const struct parser *p)
{
	return p->i < p->len ? p->s[p->i] : '\0';
}

static bool
eat(struct parser *p, char c)
{
	if (peek(p) != c)
		return false;
	p->i++;
	return true;
}

static double
fail(struct parser *p)
{
	p->ok = false;
	return NAN;
}

/* The value of a free variable: a hash of its name and the point, mapped
 * into [0.35, 2.35) so that no two simple expressions agree by chance. */
static double
variable(struct parser *p, const char *name, size_t n)
{
	uint64_t h = 1469598103934665603u;

	p->vars = true;
	for (size_t k = 0; k < n; k++)
		h = (h ^ (uint8_t)name[k]) * 1099511628211u;
	h += 0x9e3779b97f4a7c15u * (p->point + 1);
	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9u;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebu;
	h ^= h >> 31;
	return 0.35 + 2.0 * (double)(h >> 11) / 9007199254740992.0;
}

static double
number(struct parser *p)
{
	double v = 0, scale = 1;
	bool dot = false;

	for (; p->i < p->len; p->i++) {
		char c = p->s[p->i];
		if (c == '.' && !dot && p->i + 1 < p->len && IS_DIGIT(p->s[p->i + 1]))
			dot = true;
		else if (IS_DIGIT(c)) {
			if (dot)
				v += (c - '0') * (scale /= 10);
			else
				v = v * 10 + (c - '0');
		} else
			break;
	}
	return v;
}

/* A closing bracket c after an expression. */
static double
closed(struct parser *p, double v, char c)
{
	return eat(p, c) ? v : fail(p);
}

/* An argument: {expr}, (expr) or one digit or letter (\frac12). */
static double
argument(struct parser *p)
{
	char c = peek(p);

	if (eat(p, '{'))
		return closed(p, expr(p), '}');
	if (eat(p, '('))
		return closed(p, expr(p), ')');
	if (IS_DIGIT(c)) {
		p->i++;
		return c - '0';
	}
	if (IS_ALPHA(c)) {
		p->i++;
		return variable(p, &c, 1);
	}
	return fail(p);
}

static size_t
word(const struct parser *p, size_t i)
{
	size_t e = i;

	while (e < p->len && IS_ALPHA(p->s[e]))
		e++;
	return e - i;
}

static bool
word_is(const char *w, size_t n, const char *name)
{
	return n && w[0] == name[0] && strlen(name) == n && memcmp(w, name, n) == 0;
}

static double
apply(const char *f, size_t n, double x)
{
	static const struct { const char *name; double (*fn)(double); } fns[] = {
		{ "sin", sin }, { "cos", cos }, { "tan", tan }, { "arcsin", asin },
		{ "arccos", acos }, { "arctan", atan }, { "sinh", sinh },
		{ "cosh", cosh }, { "tanh", tanh }, { "ln", log }, { "log", log },
		{ "exp", exp }, { "sqrt", sqrt }
	};

	if (word_is(f, n, "sec"))
		return 1 / cos(x);
	if (word_is(f, n, "csc"))
		return 1 / sin(x);
	if (word_is(f, n, "cot"))
		return 1 / tan(x);
	for (size_t k = 0; k < sizeof fns / sizeof fns[0]; k++)
		if (word_is(f, n, fns[k].name))
			return fns[k].fn(x);
	return NAN;
}

static bool
is_function(const char *w, size_t n)
{
	static const char *const names[] = { "sin", "cos", "tan", "sec", "csc",
		"cot", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "ln",
		"log", "exp", "sqrt", NULL };

	for (size_t k = 0; names[k]; k++)
		if (word_is(w, n, names[k]))
			return true;
	return false;
}

/* f^k x, f(x), f{x}, \log_b x. */
static double
function(struct parser *p, const char *f, size_t n)
{
	double power = 1, base = 0, x;

	if (eat(p, '_'))
		base = argument(p);
	if (eat(p, '^'))
		power = argument(p);
	if (eat(p, '('))
		x = closed(p, expr(p), ')');
	else
		x = unary(p);
	x = apply(f, n, x);
	if (base > 0)
		x /= log(base);
	return pow(x, power);
}

static bool
is_greek(const char *w, size_t n)
{
	static const char *const names[] = { "alpha", "beta", "gamma", "delta",
		"epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta", "kappa",
		"lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "phi", "varphi",
		"chi", "psi", "omega", NULL };

	for (size_t k = 0; names[k]; k++)
		if (word_is(w, n, names[k]))
			return true;
	return false;
}

/* A variable name may carry a subscript: x_1, a_{n}. */
static double
named(struct parser *p, size_t from)
{
	if (eat(p, '_')) {
		if (eat(p, '{')) {
			size_t e = wh_answer_group_end(p->s, p->len, p->i - 1);
			if (e == 0)
				return fail(p);
			p->i = e;
		} else if (p->i < p->len)
			p->i++;
	}
	return variable(p, p->s + from, p->i - from);
}

static double
command(struct parser *p)
{
	size_t from = p->i, n = word(p, ++p->i);
	const char *w = p->s + p->i;

	p->i += n;
	if (word_is(w, n, "frac")) {
		double a = argument(p);
		return a / argument(p);
	}
	if (word_is(w, n, "sqrt")) {
		double k = 2;
		if (eat(p, '['))
			k = closed(p, expr(p), ']');
		return pow(argument(p), 1 / k);
	}
	if (word_is(w, n, "pi"))
		return M_PI;
	if (word_is(w, n, "infty"))
		return INFINITY;
	if (word_is(w, n, "cdot") || word_is(w, n, "times"))
		return fail(p);
	if (is_function(w, n))
		return function(p, w, n);
	if (is_greek(w, n))
		return named(p, from);
	return fail(p);
}

/* Letters: a function name, or one-letter variables multiplied together
 * ("xy"); a longer word that is no function is not an expression. */
static double
letters(struct parser *p)
{
	size_t n = word(p, p->i);
	const char *w = p->s + p->i;

	if (is_function(w, n)) {
		p->i += n;
		return function(p, w, n);
	}
	if (n > 2)
		return fail(p);
	p->i++;
	return named(p, p->i - 1);
}

static double
primary(struct parser *p)
{
	char c = peek(p);

	if (IS_DIGIT(c) || (c == '.' && p->i + 1 < p->len && IS_DIGIT(p->s[p->i + 1])))
		return number(p);
	if (eat(p, '('))
		return closed(p, expr(p), ')');
	if (eat(p, '{'))
		return closed(p, expr(p), '}');
	if (eat(p, '|'))
		return closed(p, fabs(expr(p)), '|');
	if (c == '\\')
		return command(p);
	if (IS_ALPHA(c))
		return letters(p);
	return fail(p);
}

/* x^2, x^{n+1}, x^-1, n!. */
static double
power(struct parser *p)
{
	double v = primary(p);

	while (p->ok && eat(p, '!'))
		v = v >= 0 && v == floor(v) && v < 171 ? tgamma(v + 1) : fail(p);
	if (!eat(p, '^'))
		return v;
	if (eat(p, '-'))
		return pow(v, -argument(p));
	if (peek(p) == '(')
		return pow(v, primary(p));
	if (peek(p) == '\\')
		return pow(v, command(p));
	return pow(v, argument(p));
}

static double
unary(struct parser *p)
{
	double v;

	if (++p->depth > MAX_DEPTH)
		return fail(p);
	if (eat(p, '-'))
		v = -unary(p);
	else if (eat(p, '+'))
		v = unary(p);
	else
		v = power(p);
	p->depth--;
	return v;
}

static bool
starts_factor(const struct parser *p)
{
	char c = peek(p);

	return IS_DIGIT(c) || IS_ALPHA(c) || c == '(' || c == '\\' || c == '{';
}

static double
term(struct parser *p)
{
	double v = unary(p);

	while (p->ok) {
		if (eat(p, '*'))
			v *= unary(p);
		else if (eat(p, '/'))
			v /= unary(p);
		else if (starts_factor(p))
			v *= power(p);
		else
			return v;
	}
	return v;
}

static double
expr(struct parser *p)
{
	double v;

	if (++p->depth > MAX_DEPTH)
		return fail(p);
	v = term(p);
	while (p->ok) {
		if (eat(p, '+'))
			v += term(p);
		else if (eat(p, '-'))
			v -= term(p);
		else
			break;
	}
	p->depth--;
	return v;
}

bool
wh_answer_eval(const char *s, size_t len, unsigned point, double *v, bool *vars)
{
	struct parser p = { s, len, 0, point, 0, true, false };
	bool ok = false;

	if (len > 0) {
		*v = expr(&p);
		ok = p.ok && p.i == len;
	}
	if (vars)
		*vars = p.vars;
	return ok;
}
