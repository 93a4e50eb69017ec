-- Chunking a trace's thinking for Skip-Thinking (chunk, skip): cut points on
-- segment boundaries, equal-length or searched to balance the chunks.
local prune = require "whittle.lib.prune"

local M = {}

-- Start offsets (1-based) of k chunks of text cut at equal byte lengths,
-- moved forward to a UTF-8 character start.
local function equal_cuts(text, k)
	local cuts = { 1 }
	for i = 1, k - 1 do
		local pos = math.floor(#text * i / k) + 1
		while pos <= #text and (text:byte(pos) & 0xC0) == 0x80 do pos = pos + 1 end
		if pos > cuts[#cuts] and pos <= #text then cuts[#cuts + 1] = pos end
	end
	return cuts
end

-- Cuts at segment starts minimising the squared deviation of the chunk
-- lengths from #text / k (dynamic programming over the boundaries).
local function search_cuts(text, segs, k)
	local b = { 1 }
	for i = 2, #segs do b[#b + 1] = segs[i].start end
	b[#b + 1] = #text + 1
	local m = #b - 1
	k = math.min(k, m)
	local ideal = #text / k
	local cost, from = {}, {}
	for j = 0, k do cost[j], from[j] = {}, {} end
	cost[0][1] = 0
	for j = 1, k do
		for e = 2, m + 1 do
			local best, arg = math.huge, nil
			for s = j, e - 1 do
				local c = cost[j - 1][s]
				if c then
					local d = (b[e] - b[s]) - ideal
					if c + d * d < best then best, arg = c + d * d, s end
				end
			end
			if arg then cost[j][e], from[j][e] = best, arg end
		end
	end
	local cuts, e = {}, m + 1
	for j = k, 1, -1 do
		local s = from[j][e]
		table.insert(cuts, 1, b[s])
		e = s
	end
	return cuts
end

-- The chunks of t's thinking: { {from, to, text}, ... }.
function M.split(t, k, method)
	local text = t.thinking or ""
	local cuts
	if method == "equal" then
		cuts = equal_cuts(text, k)
	elseif method == "search" then
		local segs = prune.segments(t).segments
		if #segs < 2 then cuts = { 1 } else cuts = search_cuts(text, segs, k) end
	else
		error("chunk method is equal or search, not " .. tostring(method), 0)
	end
	local out = {}
	for i, c in ipairs(cuts) do
		local stop = (cuts[i + 1] or #text + 1) - 1
		out[i] = { from = c, to = stop, text = text:sub(c, stop) }
	end
	return out
end

-- Whether a chunk is reasoning: under half of its bytes are in segments
-- that restate, understand, verify, affirm or negate.
function M.reasoning(t, chunk)
	local other = 0
	for _, s in ipairs(prune.segments(t).segments) do
		local lo, hi = math.max(s.start, chunk.from), math.min(s.stop, chunk.to)
		if hi >= lo and (s.role == "restate" or s.role == "understand" or s.role == "verify"
			or s.flags["self-affirm"] or s.flags["self-negate"]) then
			other = other + hi - lo + 1
		end
	end
	return other * 2 < #chunk.text
end

return M
