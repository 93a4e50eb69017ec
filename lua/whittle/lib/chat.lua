-- Chat templates written out in Lua: Qwen3 (ChatML), Llama 3 and
-- DeepSeek-V3 render messages to the text transformers' apply_chat_template
-- gives, recording the byte spans of each assistant turn's thinking and
-- answer, so loss masks can be made per token.
local M = {}

-- The bounds of s[i..j] with newlines cut from its left and/or right end.
-- (By hand: a gsub with "\n+$" tries its pattern at every byte of a long
-- thinking.)
local function strip_nl_at(s, i, j, left, right)
	if left then while i <= j and s:byte(i) == 10 do i = i + 1 end end
	if right then while j >= i and s:byte(j) == 10 do j = j - 1 end end
	return i, j
end

-- s[i..j] (all of s by default) with newlines cut from the left and/or
-- right end; s itself when nothing is cut, as a sub of a long string
-- copies it.
local function strip_nl(s, left, right, i, j)
	i, j = strip_nl_at(s, i or 1, j or #s, left, right)
	if i == 1 and j == #s then return s end
	return s:sub(i, j)
end

-- The thinking and answer of an assistant message, as Qwen3's template
-- finds them: reasoning_content, or the text before the first </think>
-- (after the last <think> in it) and the text after the last </think>.
-- Found by their bounds in content, each cut out once.
local function split_think(m)
	local content = m.content or ""
	if type(m.reasoning_content) == "string" then
		return m.reasoning_content, content
	end
	local first = content:find("</think>", 1, true)
	if not first then return nil, content end
	local i, j = strip_nl_at(content, 1, first - 1, false, true)
	local from = i
	while true do	-- the last <think> before j
		local pos = content:find("<think>", from, true)
		if not pos or pos + 6 > j then break end
		i, from = pos + 7, pos + 7
	end
	local last = first
	while true do
		local nxt = content:find("</think>", last + 1, true)
		if not nxt then break end
		last = nxt
	end
	return strip_nl(content, true, false, i, j), strip_nl(content, true, false, last + 8)
end

-- A renderer: out holds the pieces; spans gets {kind, from, to} (1-based,
-- inclusive) for "think" (from <think> to </think>) and "answer" pieces.
local function renderer()
	local r = { parts = {}, len = 0, spans = {} }
	function r.add(s, kind)
		if s == "" then return end
		r.parts[#r.parts + 1] = s
		if kind then
			r.spans[#r.spans + 1] = { kind = kind, from = r.len + 1, to = r.len + #s }
		end
		r.len = r.len + #s
	end
	function r.text() return table.concat(r.parts) end
	-- An assistant turn's content: up to </think> as "think", the rest
	-- (or all of it, with no </think>) as "answer".
	function r.assistant(content)
		local close = content:find("</think>", 1, true)
		if close then
			r.add(content:sub(1, close + 7), "think")
			r.add(content:sub(close + 8), "answer")
		else
			r.add(content, "answer")
		end
	end
	return r
end

local function last_query(messages)
	local last = 0
	for i, m in ipairs(messages) do
		if m.role == "user" then last = i end
	end
	return last
end

local templates = {}

function templates.qwen3(messages, opts)
	local r = renderer()
	local lq = last_query(messages)
	for i, m in ipairs(messages) do
		if m.role == "assistant" then
			local think, content = split_think(m)
			r.add("<|im_start|>assistant\n")
			if i > lq and (i == #messages or (think and think ~= "")) then
				r.add("<think>\n" .. strip_nl(think or "", true, true) .. "\n</think>\n\n", "think")
				r.add(strip_nl(content, true, false), "answer")
			else
				r.add(content, "answer")
			end
			r.add("<|im_end|>", "answer")
			r.add("\n")
		else
			r.add("<|im_start|>" .. m.role .. "\n" .. (m.content or "") .. "<|im_end|>\n")
		end
	end
	if opts.add_generation_prompt then
		r.add("<|im_start|>assistant\n")
		if opts.enable_thinking == false then r.add("<think>\n\n</think>\n\n") end
	end
	return r
end

local function trim(s)
	local i, j = 1, #s
	while i <= j and s:find("^%s", i) do i = i + 1 end
	while j >= i and s:find("^%s", j) do j = j - 1 end
	return s:sub(i, j)
end

function templates.llama3(messages)
	local r = renderer()
	r.add("<|begin_of_text|>")
	for _, m in ipairs(messages) do
		r.add("<|start_header_id|>" .. m.role .. "<|end_header_id|>\n\n")
		if m.role == "assistant" then
			r.assistant(trim(m.content or ""))
			r.add("<|eot_id|>", "answer")
		else
			r.add(trim(m.content or "") .. "<|eot_id|>")
		end
	end
	r.add("<|start_header_id|>assistant<|end_header_id|>\n\n")
	return r
end

function templates.deepseek_v3(messages, opts)
	local r = renderer()
	r.add("<｜begin▁of▁sentence｜>")
	for _, m in ipairs(messages) do
		if m.role == "system" then r.add(m.content or "") end
	end
	for _, m in ipairs(messages) do
		if m.role == "user" then
			r.add("<｜User｜>" .. (m.content or ""))
		elseif m.role == "assistant" then
			r.add("<｜Assistant｜>")
			r.assistant(m.content or "")
			r.add("<｜end▁of▁sentence｜>", "answer")
		end
	end
	if opts.add_generation_prompt then r.add("<｜Assistant｜>") end
	return r
end

M.names = { "qwen3", "llama3", "deepseek_v3" }

-- For a step's check: template is a template's name, loss a LOSS key.
function M.check(template, loss)
	if not templates[template] then
		error("template is " .. table.concat(M.names, ", ") .. ", not " .. tostring(template), 0)
	end
	if loss ~= nil and not M.LOSS[loss] then
		error("loss is all, cot+answer, answer or cot, not " .. tostring(loss), 0)
	end
end

-- Render messages with template name; returns the text and the spans.
function M.render(name, messages, opts)
	local t = templates[name]
	if not t then
		error("unknown chat template '" .. tostring(name) .. "' (qwen3, llama3, deepseek_v3)", 2)
	end
	local r = t(messages, opts or {})
	return r.text(), r.spans
end

-- The messages of a trace: an optional system turn, the question, and the
-- thinking in <think> followed by the answer.
function M.messages(t, system)
	local msgs = {}
	if system and system ~= "" then msgs[1] = { role = "system", content = system } end
	msgs[#msgs + 1] = { role = "user", content = t.question or "" }
	msgs[#msgs + 1] = { role = "assistant",
		content = "<think>\n" .. (t.thinking or "") .. "\n</think>\n\n" .. (t.answer or "") }
	return msgs
end

-- spans with the gaps between them (and before and after) as "prompt"
-- spans, so every byte of a text of length len is in one span.
function M.with_prompt(spans, len)
	local out, pos = {}, 1
	for _, s in ipairs(spans) do
		if s.from > pos then out[#out + 1] = { kind = "prompt", from = pos, to = s.from - 1 } end
		out[#out + 1] = s
		pos = s.to + 1
	end
	if pos <= len then out[#out + 1] = { kind = "prompt", from = pos, to = len } end
	return out
end

-- Per-token ids and byte offsets of text: ids, starts (1-based start of
-- each token in text). A token is as long as its decoded bytes, special
-- tokens included.
function M.tokenize(tok, text)
	local ids = tok:encode(text)
	local starts, pos = {}, 1
	for i, id in ipairs(ids) do
		starts[i] = pos
		pos = pos + #tok:decode({ id }, false)
	end
	return ids, starts
end

-- Which spans get loss, by the steps' loss parameter.
M.LOSS = {
	all = { prompt = true, think = true, answer = true },
	["cot+answer"] = { think = true, answer = true },
	answer = { answer = true },
	cot = { think = true },
}

-- The loss mask of tokens starting at starts: 1 when a token starts inside
-- a span whose kind is in kinds (a set), else 0.
function M.mask(starts, spans, kinds)
	local mask, s = {}, 1
	for i, pos in ipairs(starts) do
		while spans[s] and spans[s].to < pos do s = s + 1 end
		local sp = spans[s]
		mask[i] = (sp and pos >= sp.from and kinds[sp.kind]) and 1 or 0
	end
	return mask
end

return M
