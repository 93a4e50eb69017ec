// For single_word: writes OUT_TOKENIZER, a copy of TOKENIZER whose ByteLevel
// pre-tokenizer has no regex (so that only the added-token rules look at the
// chars), and OUT_TEXTS, one JSON string a line, with every code point x of
// planes 0-3 and 14 (the others are unassigned or private use) on each side
// of the first single_word added token w: "wx xw " for each x. The ids show
// whether each x is a word char (Rust's regex \w, which Hugging Face uses).
'use strict';
const fs = require('fs');

const [tokenizerPath, outTokenizer, outTexts] = process.argv.slice(2);
const tok = JSON.parse(fs.readFileSync(tokenizerPath, 'utf8'));
const word = tok.added_tokens.find((t) => t.single_word).content;
tok.pre_tokenizer.use_regex = false;
fs.writeFileSync(outTokenizer, JSON.stringify(tok));
const lines = [];
let line = '';
for (const [from, to] of [[0, 0x3ffff], [0xe0000, 0xe0fff]]) {
	for (let c = from; c <= to; c++) {
		if (c >= 0xd800 && c <= 0xdfff)
			continue;
		const x = String.fromCodePoint(c);
		line += `${word}${x} ${x}${word} `;
		if (c % 512 === 511) {
			lines.push(JSON.stringify(line));
			line = '';
		}
	}
}
lines.push(JSON.stringify(line));
fs.writeFileSync(outTexts, lines.join('\n') + '\n');
