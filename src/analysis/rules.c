/* The default DLCoT rule set as data: cue phrases in English and Chinese
 * (R1 and QwQ traces switch languages) and the heuristics' thresholds. A
 * user's rules (from Lua) replace or extend this table. */
#include "whittle/segment.h"

#define START(p, k) { p, WH_CUE_##k, false }
#define ANY(p, k) { p, WH_CUE_##k, true }

static const struct wh_cue default_cues[] = {
	/* Question_Repeat: opening restatements. */
	START("okay, so", RESTATE), START("ok, so", RESTATE),
	START("alright, so", RESTATE), START("so i have this problem", RESTATE),
	START("so i've got this problem", RESTATE), START("i've got this problem", RESTATE),
	START("so i'm trying to", RESTATE), START("i'm trying to figure out", RESTATE),
	START("so i need to", RESTATE), START("i need to find", RESTATE),
	START("i need to figure out", RESTATE), START("we need to find", RESTATE),
	START("we are given", RESTATE), START("we're given", RESTATE),
	START("the problem says", RESTATE), START("the problem is", RESTATE),
	START("the problem asks", RESTATE), START("the question is", RESTATE),
	START("the question asks", RESTATE), START("let me read", RESTATE),
	START("let's break this down", RESTATE), START("let me restate", RESTATE),
	START("题目", RESTATE), START("问题是", RESTATE), START("我需要", RESTATE),
	START("好的", RESTATE), START("嗯，", RESTATE),

	/* Problem_Understand: analysis before any calculation. */
	START("first, i need to understand", UNDERSTAND),
	START("let me understand", UNDERSTAND), START("let me think about", UNDERSTAND),
	START("let me recall", UNDERSTAND), START("i remember", UNDERSTAND),
	START("i recall", UNDERSTAND), START("recall that", UNDERSTAND),
	START("the key", UNDERSTAND), START("to solve this", UNDERSTAND),
	START("my plan", UNDERSTAND), START("the idea is", UNDERSTAND),
	START("首先", UNDERSTAND), START("我记得", UNDERSTAND), START("回忆", UNDERSTAND),

	/* A new solution attempt: the strategy changes. */
	START("alternatively", NEW_SOLUTION), START("another approach", NEW_SOLUTION),
	START("another way", NEW_SOLUTION), START("another method", NEW_SOLUTION),
	START("let me try a different", NEW_SOLUTION),
	START("let me try another", NEW_SOLUTION), START("let's try a different", NEW_SOLUTION),
	START("let's try another", NEW_SOLUTION), START("let me approach", NEW_SOLUTION),
	START("maybe there's a better way", NEW_SOLUTION),
	START("maybe there is a better way", NEW_SOLUTION),
	START("let me think differently", NEW_SOLUTION),
	START("let me start over", NEW_SOLUTION), START("let's start over", NEW_SOLUTION),
	START("let me reconsider", NEW_SOLUTION), START("or maybe", NEW_SOLUTION),
	START("a better approach", NEW_SOLUTION), START("a different approach", NEW_SOLUTION),
	START("alternative approach", NEW_SOLUTION), START("alternative method", NEW_SOLUTION),
	START("alternative solution", NEW_SOLUTION), START("alternative way", NEW_SOLUTION),
	START("换一种方法", NEW_SOLUTION), START("另一种方法", NEW_SOLUTION),
	START("换个思路", NEW_SOLUTION), START("或者", NEW_SOLUTION),
	START("另外一种", NEW_SOLUTION),

	/* Verify: checks after an answer. */
	START("let me check", VERIFY), START("let me verify", VERIFY),
	START("let me double-check", VERIFY), START("let me double check", VERIFY),
	START("let me confirm", VERIFY), START("let me make sure", VERIFY),
	START("let's check", VERIFY), START("let's verify", VERIFY),
	START("let's double-check", VERIFY), START("let's double check", VERIFY),
	START("double check", VERIFY), START("double-check", VERIFY),
	START("final check", VERIFY), START("to verify", VERIFY),
	START("to check", VERIFY), START("to confirm", VERIFY),
	START("double-checking", VERIFY), START("sanity check", VERIFY),
	START("checking", VERIFY), START("verify", VERIFY), START("check", VERIFY),
	START("验证", VERIFY), START("检查", VERIFY), START("让我检查", VERIFY),
	START("再检查", VERIFY),

	/* Self-affirmation. */
	ANY("that checks out", AFFIRM), ANY("this checks out", AFFIRM),
	ANY("that's correct", AFFIRM), ANY("that is correct", AFFIRM),
	ANY("that makes sense", AFFIRM), ANY("that seems right", AFFIRM),
	ANY("that seems correct", AFFIRM), ANY("looks correct", AFFIRM),
	ANY("looks right", AFFIRM), ANY("looks good", AFFIRM),
	ANY("which matches", AFFIRM), ANY("that matches", AFFIRM),
	ANY("it matches", AFFIRM), ANY("this confirms", AFFIRM),
	ANY("that confirms", AFFIRM), ANY("so it's correct", AFFIRM),
	ANY("is consistent", AFFIRM), START("yes,", AFFIRM), START("yep", AFFIRM),
	START("correct.", AFFIRM), START("perfect", AFFIRM), START("great,", AFFIRM),
	ANY("没错", AFFIRM), ANY("是对的", AFFIRM), ANY("正确", AFFIRM),

	/* Self-negation. */
	ANY("that's wrong", NEGATE), ANY("that is wrong", NEGATE),
	ANY("that's not right", NEGATE), ANY("that isn't right", NEGATE),
	ANY("that can't be", NEGATE), ANY("that cannot be", NEGATE),
	ANY("that doesn't make sense", NEGATE), ANY("doesn't seem right", NEGATE),
	ANY("i made a mistake", NEGATE), ANY("made an error", NEGATE),
	ANY("that was a mistake", NEGATE), ANY("we already did that", NEGATE),
	ANY("i already did", NEGATE), ANY("i already checked", NEGATE),
	ANY("this is getting complicated", NEGATE), ANY("not correct", NEGATE),
	ANY("contradiction", NEGATE), START("no, wait", NEGATE),
	START("wait, no", NEGATE), START("hmm, that", NEGATE), START("oops", NEGATE),
	ANY("不对", NEGATE), ANY("错了", NEGATE), ANY("矛盾", NEGATE),

	/* Conclusion. */
	START("final answer", CONCLUDE),
	START("so the final answer", CONCLUDE), START("therefore, the final answer", CONCLUDE),
	START("thus, the final answer", CONCLUDE), START("in conclusion", CONCLUDE),
	START("so the answer is", CONCLUDE), START("therefore, the answer is", CONCLUDE),
	START("thus, the answer is", CONCLUDE), START("the answer is", CONCLUDE),
	START("hence, the answer is", CONCLUDE), START("so, the answer is", CONCLUDE),
	START("综上", CONCLUDE), START("所以答案", CONCLUDE), START("最终答案", CONCLUDE),
	START("因此答案", CONCLUDE), START("答案是", CONCLUDE),

	/* A sentence that states a result. */
	START("so", CLAIM), START("therefore", CLAIM), START("thus", CLAIM),
	START("hence", CLAIM), START("that means", CLAIM), START("which gives", CLAIM),
	START("this gives", CLAIM), START("that gives", CLAIM), START("then", CLAIM),
	START("the answer", CLAIM), START("所以", CLAIM), START("因此", CLAIM),
	START("于是", CLAIM), START("得到", CLAIM),

	/* Words that may come before any of the start cues above. */
	START("hmm", FILLER), START("wait", FILLER), START("but", FILLER),
	START("okay", FILLER), START("ok", FILLER), START("oh", FILLER),
	START("well", FILLER), START("now", FILLER), START("and", FILLER),
	START("perhaps", FILLER), START("maybe", FILLER), START("actually", FILLER),
	START("嗯", FILLER), START("等等", FILLER), START("不过", FILLER),
	START("但是", FILLER),
};

static const struct wh_segment_rules default_rules = {
	default_cues, sizeof default_cues / sizeof default_cues[0],
	0.5,	/* similarity */
	0.6,	/* restate_overlap */
};

const struct wh_segment_rules *
wh_segment_default_rules(void)
{
	return &default_rules;
}
