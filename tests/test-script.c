/* The Lua binding's tests: C checks of the state (sandbox, errors as
 * values, the instruction limit), then every Lua test in tests/lua run in a
 * trusted state with the whittle module and the step registry. */
#include <dirent.h>
#include <stdlib.h>

#include "unit.h"
#include "whittle/script.h"

static struct wh_script_env env;

static int
run_source(bool trust, const char *code, struct wh_error *err)
{
	struct wh_script_env e = env;
	struct wh_script *s;
	const char *path = unit_file("t.lua", code, strlen(code));

	e.trust = trust;
	if (wh_script_new(&s, &e, err) < 0)
		return -1;
	int rc = wh_script_dofile(s, path, 0, NULL, err);
	wh_script_free(s);
	return rc;
}

/* Errors name the file and line; runaway loops stop at the limit. */
static void
test_errors(void)
{
	struct wh_error e;

	CHECK(run_source(true, "local x = 1\nerror('boom')\n", &e) < 0);
	CHECK(e.line == 2);
	CHECK(strstr(e.file, "t.lua") != NULL);
	CHECK(strstr(e.msg, "boom") != NULL);
	CHECK(run_source(true, "while true do end\n", &e) < 0);
	CHECK(strstr(e.msg, "instruction limit") != NULL);
	CHECK(run_source(true, "local x = \n", &e) < 0);
	CHECK(e.line == 2 || e.line == 1);
	/* an error value that is not a string is named where it was raised */
	CHECK(run_source(true, "local function f()\n\terror({})\nend\nf()\n", &e) < 0);
	CHECK(strstr(e.msg, "error object is a table value") != NULL);
	CHECK(e.line == 2);
	CHECK(strstr(e.file, "t.lua") != NULL);
	CHECK(run_source(true, "error(setmetatable({}, { __tostring = "
	    "function() return 'told' end }))\n", &e) < 0);
	CHECK(strncmp(e.msg, "told", 4) == 0);
	CHECK(e.line == 1);
}

/* Without a run's tokenizer, wh.tokenizer.default() is one nil (print
 * shows it), not nothing. */
static void
test_no_tokenizer(void)
{
	const struct wh_tokenizer *tok = env.tok;
	struct wh_error e;

	env.tok = NULL;
	CHECK(run_source(true, "local wh = require 'whittle'\n"
	    "assert(select('#', wh.tokenizer.default()) == 1)\n"
	    "assert(wh.tokenizer.default() == nil)\n", &e) == 0);
	env.tok = tok;
}

/* A pipeline file runs in the sandbox unless trusted. */
static void
test_sandbox(void)
{
	static const char *refused[] = {
		"os.execute('true')", "io.open('/tmp/x', 'w')", "io.popen('ls')",
		"package.loadlib('x', 'y')", "math.random()", "string.rep = nil",
		"require 'os'", "assert(load(string.dump(function() end)))",
		"rawset(string, 'rep', nil)", "getmetatable(_ENV).__index = _G",
		"load('os.execute(1)')()",
	};
	struct wh_script *s;
	struct wh_error e;
	struct wh_script_env sandboxed = env;

	sandboxed.trust = false;
	CHECK(wh_script_new(&s, &sandboxed, &e) == 0);
	for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
		char code[256];
		snprintf(code, sizeof code, "%s\nreturn { 'thinkfree' }\n", refused[i]);
		const char *path = unit_file("p.lua", code, strlen(code));
		int rc = wh_script_pipeline(s, path, NULL, 0, NULL, &e);
		CHECK(rc < 0);
		if (rc == 0)
			fprintf(stderr, "sandbox let through: %s\n", refused[i]);
	}
	const char *ok = "return { 'thinkfree' }\n";
	CHECK(wh_script_pipeline(s, unit_file("p.lua", ok, strlen(ok)), NULL, 0,
	    NULL, &e) == 0);
	wh_script_free(s);
}

static int
run_lua_tests(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int failed = 0;
	char path[4096], *argv[2] = { (char *)WH_SRCDIR, (char *)WH_BUILDDIR };

	if (d == NULL)
		return 1;
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);
		if (n < 5 || strncmp(de->d_name, "test-", 5) != 0 ||
		    strcmp(de->d_name + n - 4, ".lua") != 0)
			continue;
		struct wh_script *s;
		struct wh_error e;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (wh_script_new(&s, &env, &e) < 0 ||
		    wh_script_dofile(s, path, 2, argv, &e) < 0) {
			char msg[1200];
			wh_error_format(&e, msg, sizeof msg);
			fprintf(stderr, "FAIL %s\n%s\n", de->d_name, msg);
			failed++;
		} else
			printf("ok %s\n", de->d_name);
		wh_script_free(s);
	}
	closedir(d);
	unit_checks++;
	unit_failures += failed;
	return failed;
}

int
main(void)
{
	struct wh_error e;
	struct wh_tokenizer *tok = wh_tokenizer_load(WH_SRCDIR "/tests/tokenizer/tiny-qwen.json", &e);

	CHECK(tok != NULL);
	env.datadir = WH_SRCDIR;
	env.trust = true;
	env.max_instructions = 50000000;
	env.seed = 1;
	env.tok = tok;
	env.tok_path = WH_SRCDIR "/tests/tokenizer/tiny-qwen.json";
	test_errors();
	test_no_tokenizer();
	test_sandbox();
	run_lua_tests(WH_SRCDIR "/tests/lua");
	wh_tokenizer_free(tok);
	return unit_done("test-script");
}
