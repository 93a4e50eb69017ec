-- The tokenizer a step counts with: its `tokenizer` parameter (a path,
-- loaded once per state) or the run's --tokenizer.
local wh = require "whittle"

local M = {}

function M.get(p, ctx, step)
	if p.tokenizer and p.tokenizer ~= "" then
		ctx.cache.tokenizers = ctx.cache.tokenizers or {}
		local tok = ctx.cache.tokenizers[p.tokenizer]
		if not tok then
			local err
			tok, err = wh.tokenizer.load(p.tokenizer)
			if not tok then error(step .. ": " .. err, 0) end
			ctx.cache.tokenizers[p.tokenizer] = tok
		end
		return tok
	end
	local tok = wh.tokenizer.default()
	if not tok then
		error(step .. " counts tokens: give --tokenizer PATH (or tokenizer=PATH)", 0)
	end
	return tok
end

-- For a step's check: a step that counts tokens has a tokenizer to count
-- with (its parameter or the run's --tokenizer).
function M.check(p, run)
	if (p.tokenizer == nil or p.tokenizer == "") and not (run and run.tokenizer)
	    and not wh.tokenizer.default() then
		error("it counts tokens: give --tokenizer PATH (or tokenizer=PATH)", 0)
	end
end

-- The parameter every token-counting step takes.
M.param = { name = "tokenizer", type = "string", default = "",
	doc = "tokenizer.json to count with (default: the run's --tokenizer)" }

return M
