-- DLCoT (Luo et al., arXiv 2503.16385): verify the answer, segment the
-- thinking, drop repeated approaches and incorrect side solutions, and
-- write chat messages with loss masks for SFT.
return {
	name = "dlcot",
	steps = {
		{ "verify" },
		{ "segment" },
		{ "prune-redundant", variant = "all" },
		{ "drop-incorrect" },
		{ "export-sft" },
	},
}
