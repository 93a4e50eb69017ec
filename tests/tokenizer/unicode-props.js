// Writes to OUTPUT, as JSON, the chars the reference's pre-tokenizer regex
// puts in each of the classes \p{L}, \p{N}, \p{P}, \p{S} and \p{M}, as
// ranges [first, last]: what newer_unicode in src/analysis/tokenizer-load.c
// is made from (the ranges PCRE2's own classes lack). It asks the reference
// to remove the class's chars (a Split with behavior Removed) from a text of
// every code point and looks at what is left.
'use strict';
const fs = require('fs');
const { Tokenizer } = require('@anush008/tokenizers');

// The ByteLevel alphabet: the char each byte is written as.
function byteChars() {
	const bs = [], cs = [];
	for (let b = 0; b < 256; b++)
		if ((b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || b >= 0xae)
			bs.push(b), cs.push(b);
	for (let b = 0, n = 0; b < 256; b++)
		if (!bs.includes(b))
			bs.push(b), cs.push(256 + n++);
	const chars = [];
	bs.forEach((b, i) => { chars[b] = String.fromCodePoint(cs[i]); });
	return chars;
}

function probeTokenizer(prop) {
	const vocab = {};
	byteChars().forEach((c, b) => { vocab[c] = b; });
	const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false };
	return {
		version: '1.0', added_tokens: [], normalizer: null, post_processor: null,
		pre_tokenizer: { type: 'Sequence', pretokenizers: [
			{ type: 'Split', pattern: { Regex: `\\p{${prop}}` }, behavior: 'Removed', invert: false },
			byteLevel] },
		decoder: byteLevel,
		model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null,
			end_of_word_suffix: null, fuse_unk: false, byte_fallback: false,
			ignore_merges: false, vocab, merges: [] },
	};
}

async function main() {
	const [output] = process.argv.slice(2);
	const classes = {};
	for (const prop of ['L', 'N', 'P', 'S', 'M']) {
		const path = `${output}.tokenizer.json`;
		fs.writeFileSync(path, JSON.stringify(probeTokenizer(prop)));
		const tok = Tokenizer.fromFile(path);
		fs.unlinkSync(path);
		const ranges = [];
		for (let base = 0; base < 0x110000; base += 0x1000) {
			let text = '';
			for (let c = base; c < base + 0x1000; c++)
				if (c < 0xd800 || c > 0xdfff)
					text += String.fromCodePoint(c);
			const enc = await tok.encode(text, null, { addSpecialTokens: false });
			const left = new Set(Array.from(await tok.decode(enc.getIds(), false),
			    (x) => x.codePointAt(0)));
			for (let c = base; c < base + 0x1000; c++) {
				if ((c >= 0xd800 && c <= 0xdfff) || left.has(c))
					continue;
				const last = ranges[ranges.length - 1];
				if (last && last[1] === c - 1)
					last[1] = c;
				else
					ranges.push([c, c]);
			}
		}
		classes[prop] = ranges;
	}
	fs.writeFileSync(output, JSON.stringify(classes) + '\n');
}

main().catch((e) => { console.error(e); process.exit(1); });
