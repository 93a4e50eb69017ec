// Writes, one JSON string a line, every code point x of planes 0-3 and 14
// (the others are unassigned or private use) between letters, between
// digits and doubled: "ax b 1x2 xx\n" for each, 256 code points a line. Its
// ids show how the pre-tokenizer's regex classes (\p{L}, \p{N}, ...) take
// each char.
'use strict';
const fs = require('fs');

const [output] = process.argv.slice(2);
const lines = [];
let line = '', n = 0;
for (const [from, to] of [[0, 0x3ffff], [0xe0000, 0xe0fff]]) {
	for (let c = from; c <= to; c++) {
		if (c >= 0xd800 && c <= 0xdfff)
			continue;
		const x = String.fromCodePoint(c);
		line += `a${x}b 1${x}2 ${x}${x}\n`;
		if (++n % 256 === 0) {
			lines.push(JSON.stringify(line));
			line = '';
		}
	}
}
lines.push(JSON.stringify(line));
fs.writeFileSync(output, lines.join('\n') + '\n');
