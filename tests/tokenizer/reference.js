// The reference for the tokenizer tests: Hugging Face's Rust tokenizers
// (@anush008/tokenizers). Reads JSON strings, one a line, from INPUT and writes
// the ids of each, space-separated, one line each, to OUTPUT; with --raw, INPUT
// is one text read as UTF-8 (invalid bytes becoming U+FFFD, as Node reads).
// With --decode (or --decode-skip-special), the other way: INPUT has ids, a
// line of them for each text, and OUTPUT gets each text as a JSON string.
'use strict';
const fs = require('fs');
const { Tokenizer } = require('@anush008/tokenizers');

async function main() {
	const [tokenizerPath, input, output, mode] = process.argv.slice(2);
	const tok = Tokenizer.fromFile(tokenizerPath);
	const content = fs.readFileSync(input, 'utf8');
	if (mode === '--decode' || mode === '--decode-skip-special') {
		const out = [];
		for (const line of content.split('\n').slice(0, -1)) {
			const ids = line.split(' ').filter((w) => w.length).map(Number);
			out.push(JSON.stringify(await tok.decode(ids, mode === '--decode-skip-special')));
		}
		fs.writeFileSync(output, out.join('\n') + '\n');
		return;
	}
	const texts = mode === '--raw' ? [content] :
	    content.split('\n').filter((l) => l.length).map((l) => JSON.parse(l));
	const lines = [];
	for (const text of texts) {
		const enc = await tok.encode(text, null, { addSpecialTokens: false });
		lines.push(enc.getIds().join(' '));
	}
	fs.writeFileSync(output, lines.join('\n') + '\n');
}

main().catch((e) => { console.error(e); process.exit(1); });
