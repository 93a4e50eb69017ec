// Writes, one JSON string a line, texts that hold every added token of a
// tokenizer.json: each alone, between words, between spaces, twice in a row,
// and all of them in one text.
'use strict';
const fs = require('fs');

const [tokenizerPath, output] = process.argv.slice(2);
const added = JSON.parse(fs.readFileSync(tokenizerPath, 'utf8')).added_tokens || [];
const lines = [];
for (const t of added) {
	const c = t.content;
	for (const s of [c, `x${c}y`, ` ${c} `, `${c}${c}`, `\n${c}\n\n`, `é${c}́`])
		lines.push(JSON.stringify(s));
}
lines.push(JSON.stringify(added.map((t) => t.content).join(' ')));
fs.writeFileSync(output, lines.join('\n') + '\n');
