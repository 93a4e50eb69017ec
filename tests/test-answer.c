/* Unit tests of answer extraction (each rule, nesting, truncation, spans)
 * and of equivalence (the MATH normalisations, numbers, sets, expressions,
 * and the cases that must stay "unknown"). */
#include "unit.h"
#include "whittle/answer.h"

struct extract_case {
	const char *text;
	const char *want;	/* NULL: nothing found */
	enum wh_answer_rule rule;
};

static const struct extract_case extract_cases[] = {
	{ "so \\boxed{5} then \\boxed{7}.", "7", WH_ANSWER_BOXED },
	{ "\\boxed{\\frac{1}{2}}", "\\frac{1}{2}", WH_ANSWER_BOXED },
	{ "$\\boxed{\\left\\{ 1, 2 \\right\\}}$", "\\left\\{ 1, 2 \\right\\}", WH_ANSWER_BOXED },
	{ "\\fbox{x^{2}}", "x^{2}", WH_ANSWER_BOXED },
	{ "the answer is \\boxed 5$.", "5", WH_ANSWER_BOXED },
	{ "\\boxed{3} and a cut \\boxed{\\frac{1}{", "3", WH_ANSWER_BOXED },
	{ "\\boxed{ 12 }", "12", WH_ANSWER_BOXED },
	{ "<answer> (i) Ann is a knight </answer>", "(i) Ann is a knight", WH_ANSWER_TAG },
	{ "Natalia sold 48/2 = 24 clips.\n#### 72", "72", WH_ANSWER_HASH },
	{ "steps\n#### 1,000\n", "1,000", WH_ANSWER_HASH },
	{ "Final Answer: The final answer is $42$. I hope it is correct.", "42", WH_ANSWER_FINAL },
	{ "**Final Answer**\n\n$\\frac{3}{4}$", "\\frac{3}{4}", WH_ANSWER_FINAL },
	{ "So the answer is 3.5.", "3.5", WH_ANSWER_IS },
	{ "Answer: **19**", "19", WH_ANSWER_IS },
	{ "The answer is **$\\frac{1}{2}$**.", "\\frac{1}{2}", WH_ANSWER_IS },
	{ "#### **72**", "72", WH_ANSWER_HASH },
	{ "The answer is 18 dollars.", "18", WH_ANSWER_IS },
	{ "A: 18", "18", WH_ANSWER_NUMBER },
	{ "Answer: $x = 2$", "x = 2", WH_ANSWER_IS },
	{ "所以答案是 12。", "12", WH_ANSWER_IS },
	{ "因此答案为 8。", "8", WH_ANSWER_IS },
	{ "答案：9", "9", WH_ANSWER_IS },
	{ "最终答案：7 then more words after it", "7", WH_ANSWER_FINAL },
	{ "FINAL ANSWER: 9\nwow, what a wonderful way", "9", WH_ANSWER_FINAL },
	{ "The answer is 4. Wait, the answer: 5\nwww", "5", WH_ANSWER_IS },
	{ "answer is 1\nanswer is 2\nanswer is 3", "3", WH_ANSWER_IS },
	{ "ANSWER IS 6", "6", WH_ANSWER_IS },
	{ "answe answ answerr: 8", "8", WH_ANSWER_NUMBER },
	{ "The answer is (C).", "C", WH_ANSWER_CHOICE },
	{ "I pick\n(B)\n", "B", WH_ANSWER_CHOICE },
	{ "there are 3 cats and 1,250 dogs", "1,250", WH_ANSWER_NUMBER },
	{ "x went from -3.25 to ...", "-3.25", WH_ANSWER_NUMBER },
	{ "ratio 3/4", "3/4", WH_ANSWER_NUMBER },
	{ "no digits here", NULL, WH_ANSWER_NONE },
	{ "", NULL, WH_ANSWER_NONE },
	{ "\\boxed", NULL, WH_ANSWER_NONE },
};

static void
test_extract(void)
{
	for (size_t i = 0; i < sizeof extract_cases / sizeof extract_cases[0]; i++) {
		const struct extract_case *c = &extract_cases[i];
		struct wh_answer a;
		char got[256] = "";
		enum wh_answer_rule r = wh_answer_extract(c->text, strlen(c->text),
		    WH_ANSWER_ALL, &a);
		if (r != WH_ANSWER_NONE)
			snprintf(got, sizeof got, "%.*s", (int)(a.end - a.start), c->text + a.start);
		if (r != c->rule || (c->want && strcmp(got, c->want) != 0)) {
			fprintf(stderr, "extract case %zu: got %s \"%s\", want %s \"%s\"\n", i,
			    wh_answer_rule_name(r), got, wh_answer_rule_name(c->rule),
			    c->want ? c->want : "");
		}
		CHECK(r == c->rule);
		CHECK(c->want == NULL || strcmp(got, c->want) == 0);
	}
}

static void
test_extract_mask(void)
{
	const char *t = "x = 5 and later 7";
	struct wh_answer a;

	CHECK(wh_answer_extract(t, strlen(t), WH_ANSWER_EXPLICIT, &a) == WH_ANSWER_NONE);
	CHECK(a.start == 0 && a.end == 0);
	CHECK(wh_answer_extract(t, strlen(t), WH_ANSWER_ALL, &a) == WH_ANSWER_NUMBER);
	CHECK(a.start == 16 && a.end == 17);
	/* A length shorter than the string: nothing past it is read. */
	CHECK(wh_answer_extract("\\boxed{12}", 9, WH_ANSWER_ALL, &a) == WH_ANSWER_NUMBER);
	CHECK_STR(wh_answer_rule_name(WH_ANSWER_IS), "answer-is");
}

struct norm_case {
	const char *in, *want;
};

static const struct norm_case norm_cases[] = {
	{ "\\left( 3, \\frac{\\pi}{2} \\right)", "(3,\\frac{\\pi}{2})" },
	{ "\\dfrac{1}{2}", "\\frac{1}{2}" },
	{ "\\tfrac12", "\\frac{1}{2}" },
	{ "\\sqrt3", "\\sqrt{3}" },
	{ "10\\text{ cm}", "10" },
	{ "\\text{Monday}", "Monday" },
	{ "90^\\circ", "90" },
	{ "90^{\\circ}", "90" },
	{ "50\\%", "50" },
	{ "\\$1,000", "1000" },
	{ "1,234,567.50", "1234567.5" },
	{ "18.0", "18" },
	{ "18.000", "18" },
	{ ".5", "0.5" },
	{ "x = 3", "3" },
	{ "y=2x+1", "2x+1" },
	{ "x \\in [1, 2]", "[1,2]" },
	{ "3/4", "\\frac{3}{4}" },
	{ "-3/4", "-\\frac{3}{4}" },
	{ "\\text{(B)}", "B" },
	{ "\\{3, 1, 2\\}", "\\{1,2,3\\}" },
	{ "3, 1, 2", "1,2,3" },
	{ "(3, 1)", "(3,1)" },
	{ "$\\boxed{7}$", "7" },
	{ "18 dollars", "18" },
	{ "  12.  ", "12" },
	{ "", "" },
};

static void
test_normalize(void)
{
	for (size_t i = 0; i < sizeof norm_cases / sizeof norm_cases[0]; i++) {
		struct wh_buf b = {0};
		wh_answer_normalize(norm_cases[i].in, strlen(norm_cases[i].in), &b);
		CHECK_STR(b.data ? b.data : "", norm_cases[i].want);
		wh_buf_free(&b);
	}
}

struct equiv_case {
	const char *a, *b;
	enum wh_verdict want;
};

#define EQ WH_VERDICT_EQUAL
#define NE WH_VERDICT_DIFFERENT
#define UN WH_VERDICT_UNKNOWN

static const struct equiv_case equiv_cases[] = {
	{ "0.5", "\\frac{1}{2}", EQ },
	{ "\\frac12", "1/2", EQ },
	{ "\\dfrac{\\sqrt{3}}{2}", "\\frac{\\sqrt3}{2}", EQ },
	{ "\\frac{\\sqrt{3}}{2}", "0.86603", EQ },
	{ "\\frac{\\sqrt{3}}{2}", "0.87", NE },
	{ "1000", "1,000", EQ },
	{ "1000.00001", "1000", EQ },
	{ "1001", "1000", NE },
	{ "120,006", "120000", NE },	/* integers exactly, not within 1e-4 */
	{ "-0", "0", EQ },
	{ "007", "7", EQ },
	{ "50\\%", "0.5", EQ },
	{ "50%", "50", EQ },
	{ "0.5", "50", NE },
	{ "2\\pi", "6.28319", EQ },
	{ "x^2+2x+1", "(x+1)^2", EQ },
	{ "(x+1)^2", "x^2+1", NE },
	{ "\\frac{x}{2}", "0.5x", EQ },
	{ "y = 2x + 1", "1 + 2x", EQ },
	{ "\\sqrt[3]{8}", "2", EQ },
	{ "2^{10}", "1024", EQ },
	{ "5!", "120", EQ },
	{ "\\sin^2 x + \\cos^2 x", "1", EQ },
	{ "e^{\\ln 2}", "2", NE },	/* e is a variable, as in most answers */
	{ "|{-3}|", "3", EQ },
	{ "\\{1, 2, 3\\}", "\\{3,2,1\\}", EQ },
	{ "1, 2, 3", "3, 2, 1", EQ },
	{ "(1, 2)", "(2, 1)", NE },
	{ "(1, 2)", "(1, 2.0)", EQ },
	{ "(1, 2]", "(1, 2)", NE },
	{ "2, 3", "x=2 \\text{ or } x=3", UN },	/* a set in words */
	{ "(2, \\infty)", "x > 2", UN },
	{ "(3, 4]", "1", NE },
	{ "[0, \\infty)", "[0,\\infty)", EQ },
	{ "(-\\infty, 5)", "(-\\infty, 6)", NE },
	{ "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "\\begin{pmatrix}1\\\\2\\end{pmatrix}", EQ },
	{ "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "\\begin{pmatrix}1 & 2\\end{pmatrix}", NE },
	{ "\\text{Monday}", "monday", EQ },
	{ "\\text{Monday}", "Tuesday", NE },
	{ "(C)", "C", EQ },
	{ "C", "D", NE },
	{ "90^\\circ", "90", EQ },
	{ "x^2+y^2=1", "y^2+x^2=1", EQ },
	{ "(3, \xcf\x80/2)", "\\left( 3, \\frac{\\pi}{2} \\right)", EQ },
	{ "\xe2\x88\x9a" "3 \xc3\x97 2", "2\\sqrt{3}", EQ },
	{ "\xe2\x88\x92\xe2\x88\x9e", "-\\infty", EQ },
	{ "x\xc2\xb2", "x^2", EQ },
	{ "\\sqrt(2)", "\\sqrt{2}", EQ },
	{ "five", "5", UN },
	{ "", "5", UN },
	{ "\\frac{1}{0}", "\\frac{1}{0}", EQ },
	{ "\\sqrt{-1}", "2", UN },	/* not a real number: cannot tell */
	{ "\\mathcal{P}", "2", UN },
	{ "\\frac{1}{2} + y", "0.5", NE },	/* a constant against a variable */
	{ "x - x + 3", "3", EQ },	/* variables, the same at every point */
	{ "x + 1", "3", NE },	/* apart at the first point */
	{ "\\frac{x}{0}", "1", NE },
	{ "x", "\\sqrt{-1}", UN },	/* nowhere defined: no point is apart */
};

static void
test_equiv(void)
{
	for (size_t i = 0; i < sizeof equiv_cases / sizeof equiv_cases[0]; i++) {
		const struct equiv_case *c = &equiv_cases[i];
		enum wh_verdict v = wh_answer_equiv(c->a, strlen(c->a), c->b, strlen(c->b));
		enum wh_verdict w = wh_answer_equiv(c->b, strlen(c->b), c->a, strlen(c->a));
		if (v != c->want || w != c->want)
			fprintf(stderr, "equiv case %zu (%s | %s): got %s/%s, want %s\n", i,
			    c->a, c->b, wh_verdict_name(v), wh_verdict_name(w),
			    wh_verdict_name(c->want));
		CHECK(v == c->want);
		CHECK(w == c->want);	/* symmetric */
	}
}

/* A normalised answer compared with many, as the segmenter compares its
 * reference, gives wh_answer_equiv's verdict each time, whatever it kept
 * from the comparisons before; so does a whole number compared with it
 * unnormalised. */
static void
test_equiv_norm(void)
{
	static const char *const numbers[] = { "7", "007", "0", "1000", "120000", "50" };
	size_t n = sizeof equiv_cases / sizeof equiv_cases[0];

	for (size_t i = 0; i < n; i++) {
		struct wh_answer_norm ref;
		const char *r = equiv_cases[i].b;
		wh_answer_norm_init(&ref, r, strlen(r));
		for (size_t j = 0; j < n; j++) {
			struct wh_answer_norm val;
			const char *a = equiv_cases[(i + j) % n].a;
			wh_answer_norm_init(&val, a, strlen(a));
			enum wh_verdict v = wh_answer_equiv_norm(&val, &ref);
			enum wh_verdict w = wh_answer_equiv_to(a, strlen(a), &ref);
			enum wh_verdict want = wh_answer_equiv(a, strlen(a), r, strlen(r));
			if (v != want || w != want)
				fprintf(stderr, "equiv_norm (%s | %s): got %s/%s, want %s\n", a,
				    r, wh_verdict_name(v), wh_verdict_name(w), wh_verdict_name(want));
			CHECK(v == want && w == want);
			wh_answer_norm_free(&val);
		}
		for (size_t j = 0; j < sizeof numbers / sizeof numbers[0]; j++) {
			const char *a = numbers[j];
			CHECK(wh_answer_equiv_to(a, strlen(a), &ref) ==
			    wh_answer_equiv(a, strlen(a), r, strlen(r)));
		}
		wh_answer_norm_free(&ref);
	}
}

/* A gold that is a short solution gives the answer in its box; a short
 * answer is taken whole. */
static void
test_gold(void)
{
	static const char *const golds[][2] = {
		{ "2+3=5, so \\boxed{5}", "5" },
		{ "$x = \\boxed{\\frac{1}{2}}$", "\\frac{1}{2}" },
		{ "so \\fbox{7}.", "7" },
		{ "\\boxed{5}", "5" },
		{ " 1,234 ", "1,234" },
		{ "x \\in (0, 1]", "x \\in (0, 1]" },
	};
	struct wh_answer a;
	char got[64];

	for (size_t i = 0; i < sizeof golds / sizeof golds[0]; i++) {
		const char *g = golds[i][0];
		CHECK(wh_answer_of_gold(g, strlen(g), &a));
		snprintf(got, sizeof got, "%.*s", (int)(a.end - a.start), g + a.start);
		CHECK_STR(got, golds[i][1]);
	}
}

int
main(void)
{
	test_extract();
	test_extract_mask();
	test_normalize();
	test_equiv();
	test_equiv_norm();
	test_gold();
	return unit_done("answer");
}
