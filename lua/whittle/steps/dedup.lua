-- dedup: drop exact and near-duplicate questions (MinHash over word
-- shingles) and questions found in a benchmark (decontamination).
local wh = require "whittle"

local HASHES, P = 64, 2147483647

local function normalize(q)
	return ((q or ""):lower():gsub("[%p%s]+", " "):gsub("^ ", ""):gsub(" $", ""))
end

local function hash(s)
	local h = 2166136261
	for i = 1, #s do h = ((h ~ s:byte(i)) * 16777619) & 0xffffffff end
	return h
end

-- The MinHash signature of the word n-gram shingles of text.
local function signature(text, n, coef)
	local words = {}
	for w in text:gmatch("%S+") do words[#words + 1] = w end
	local sig = {}
	for k = 1, HASHES do sig[k] = P end
	for i = 1, math.max(1, #words - n + 1) do
		local h = hash(table.concat(words, " ", i, math.min(#words, i + n - 1)))
		for k = 1, HASHES do
			local v = (coef[k][1] * h + coef[k][2]) % P
			if v < sig[k] then sig[k] = v end
		end
	end
	return sig
end

local function similarity(a, b)
	local same = 0
	for k = 1, HASHES do if a[k] == b[k] then same = same + 1 end end
	return same / HASHES
end

-- Index of signatures by LSH band (16 bands of 4) for candidate lookup.
local function index()
	local ix = { bands = {}, sigs = {} }
	function ix.add(sig)
		ix.sigs[#ix.sigs + 1] = sig
		for b = 0, 15 do
			local k = b .. ":" .. table.concat(sig, ",", b * 4 + 1, b * 4 + 4)
			ix.bands[k] = ix.bands[k] or {}
			table.insert(ix.bands[k], #ix.sigs)
		end
	end
	function ix.near(sig, threshold)
		for b = 0, 15 do
			local k = b .. ":" .. table.concat(sig, ",", b * 4 + 1, b * 4 + 4)
			for _, j in ipairs(ix.bands[k] or {}) do
				if similarity(sig, ix.sigs[j]) >= threshold then return true end
			end
		end
		return false
	end
	return ix
end

-- Which input entries to drop, and why; the same in every state.
local function plan(p, ctx)
	if not ctx.input then error("dedup: runs over a dataset (whittle step/run)", 0) end
	local rng = wh.rng(12345)
	local coef = {}
	for k = 1, HASHES do coef[k] = { rng:random(1, P - 1), rng:random(0, P - 1) } end
	local bench, exact_bench = index(), {}
	if p.against ~= "" then
		local ds, err = wh.open(p.against)
		if not ds then error("dedup: " .. err, 0) end
		for _, t in ds:traces() do
			local q = normalize(t.question)
			exact_bench[q] = true
			bench.add(signature(q, p.ngram, coef))
		end
	end
	local seen, exact, drop = index(), {}, {}
	for i, t in ctx.input:traces() do
		local q = normalize(t.question)
		local sig = signature(q, p.ngram, coef)
		if exact_bench[q] or bench.near(sig, p.threshold) then
			drop[i] = "benchmark"
		elseif exact[q] then
			drop[i] = "exact"
		elseif seen.near(sig, p.threshold) then
			drop[i] = "near"
		else
			exact[q] = true
			seen.add(sig)
		end
	end
	return drop
end

return {
	name = "dedup",
	summary = "drop exact and near-duplicate questions, and benchmark questions",
	doc = [[
Keeps the first of each group of records whose questions are the same
(after lower-casing and dropping punctuation) or nearly the same (MinHash
estimate of the Jaccard similarity of word n-grams at or above threshold),
and with against=FILE drops questions found in a benchmark, as LiteCoT
decontaminates against MATH-500, AIME, AMC, LiveCodeBench and GPQA (there
with rapidfuzz ratio >= 95). Every generation of a record shares its
question, so they are kept or dropped together.]],
	params = {
		{ name = "threshold", type = "number", default = 0.8,
		  doc = "estimated Jaccard similarity at which two questions are the same" },
		{ name = "ngram", type = "integer", default = 3, doc = "words per shingle" },
		{ name = "against", type = "string", default = "",
		  doc = "a benchmark dataset whose questions are dropped" },
	},
	run = function(t, p, ctx)
		ctx.cache.dedup = ctx.cache.dedup or plan(p, ctx)
		if ctx.cache.dedup[t.index] then return nil end
		return t
	end,
}
