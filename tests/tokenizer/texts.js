// Gathers the texts the tokenizer tests encode: every string in every record
// of every .json/.jsonl file under DATA_DIR, one JSON string a line (each text
// once), written to OUTPUT.
'use strict';
const fs = require('fs');
const path = require('path');

function files(dir) {
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
		const p = path.join(dir, e.name);
		if (e.isDirectory())
			return files(p);
		return /\.jsonl?$/.test(e.name) ? [p] : [];
	}).sort();
}

// The records of a file: JSON lines, one JSON value, or JSON values one after
// another (pretty-printed objects).
function records(text) {
	try {
		const v = JSON.parse(text);
		return Array.isArray(v) ? v : [v];
	} catch (e) {
		// not one value: try lines, then concatenated values
	}
	const lines = text.split('\n').filter((l) => l.trim().length);
	try {
		return lines.map((l) => JSON.parse(l));
	} catch (e) {
		return concatenated(text);
	}
}

function concatenated(text) {
	const out = [];
	let depth = 0, start = -1, inString = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (inString) {
			if (c === '\\')
				i++;
			else if (c === '"')
				inString = false;
		} else if (c === '"') {
			inString = true;
		} else if (c === '{' || c === '[') {
			if (depth++ === 0)
				start = i;
		} else if (c === '}' || c === ']') {
			if (--depth === 0)
				out.push(JSON.parse(text.slice(start, i + 1)));
		}
	}
	return out;
}

function strings(v, out) {
	if (typeof v === 'string')
		out.push(v);
	else if (v && typeof v === 'object')
		Object.values(v).forEach((x) => strings(x, out));
	return out;
}

const [dataDir, output] = process.argv.slice(2);
const seen = new Set();
const lines = [];
for (const f of files(dataDir)) {
	for (const r of records(fs.readFileSync(f, 'utf8'))) {
		for (const s of strings(r, [])) {
			if (s.length && !seen.has(s)) {
				seen.add(s);
				lines.push(JSON.stringify(s));
			}
		}
	}
}
fs.writeFileSync(output, lines.join('\n') + '\n');
