// The reference side of bench/tokenize.sh: Hugging Face's Rust tokenizers
// (@anush008/tokenizers) loading TOKENIZER and encoding each JSON string a
// line of INPUT, one after another (one thread). Prints one JSON line, with
// wall and CPU seconds (the process's, all threads).
'use strict';
const fs = require('fs');
const { Tokenizer } = require('@anush008/tokenizers');

function cpuSeconds(usage) {
	return (usage.user + usage.system) / 1e6;
}

async function main() {
	const [tokenizerPath, input] = process.argv.slice(2);
	let t0 = process.hrtime.bigint(), c0 = process.cpuUsage();
	const tok = Tokenizer.fromFile(tokenizerPath);
	const loadS = Number(process.hrtime.bigint() - t0) / 1e9;
	const loadCpuS = cpuSeconds(process.cpuUsage(c0));
	const texts = fs.readFileSync(input, 'utf8').split('\n').filter((l) => l.length).map((l) => JSON.parse(l));
	const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
	let tokens = 0;
	t0 = process.hrtime.bigint();
	c0 = process.cpuUsage();
	for (const text of texts)
		tokens += (await tok.encode(text, null, { addSpecialTokens: false })).getLength();
	const encodeS = Number(process.hrtime.bigint() - t0) / 1e9;
	const cpuS = cpuSeconds(process.cpuUsage(c0));
	console.log(JSON.stringify({ load_s: loadS, load_cpu_s: loadCpuS, encode_s: encodeS,
		cpu_s: cpuS, bytes, tokens }));
}

main().catch((e) => { console.error(e); process.exit(1); });
