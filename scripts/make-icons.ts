/**
 * Renders the app icons (static/icons/*.png) from the same drawing as static/favicon.svg, in Chromium
 * through playwright-core, so the PNGs can be re-made whenever the drawing changes:
 *
 *   npx tsx scripts/make-icons.ts
 *
 * - icon-192.png, icon-512.png: purpose "any", rounded square on a transparent background;
 * - maskable-512.png: purpose "maskable", full-bleed background, the mark well inside the central safe
 *   circle (radius 40 % of the size), so any launcher mask keeps it whole;
 * - apple-touch-icon.png (180 px): iOS home screen, opaque square (iOS rounds it itself).
 * The output is checked after writing: PNG signature and the size in the IHDR chunk.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'static', 'icons');

const GREEN = '#1f6f5c'; // --qf-green in src/app.css
const LEAF = 'M14 40c10-2 18-8 22-18 2 8 8 14 14 16-10 4-24 6-36 2z'; // the mark of static/favicon.svg

/** The drawing on a 64-unit grid. `radius` rounds the background; `scale` shrinks the mark around the centre. */
function svg(size: number, radius: number, scale: number): string {
	const t = (1 - scale) * 32;
	return (
		`<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 64 64">` +
		`<rect width="64" height="64" rx="${radius}" fill="${GREEN}"/>` +
		`<path transform="translate(${t} ${t}) scale(${scale})" d="${LEAF}" fill="#fff"/>` +
		`</svg>`
	);
}

const icons = [
	{ file: 'icon-192.png', size: 192, radius: 14, scale: 1 },
	{ file: 'icon-512.png', size: 512, radius: 14, scale: 1 },
	// Safe zone: the mark spans at most ~21 units from the centre at scale 1; 0.85 keeps it within ~18 of 32.
	{ file: 'maskable-512.png', size: 512, radius: 0, scale: 0.85 },
	{ file: 'apple-touch-icon.png', size: 180, radius: 0, scale: 0.85 }
];

function pngSize(bytes: Buffer): { width: number; height: number } {
	const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
	if (!bytes.subarray(0, 8).equals(sig) || bytes.toString('latin1', 12, 16) !== 'IHDR') throw new Error('not a PNG');
	return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
	args: ['--no-sandbox', '--disable-gpu']
});
try {
	mkdirSync(outDir, { recursive: true });
	for (const icon of icons) {
		const page = await browser.newPage({ viewport: { width: icon.size, height: icon.size }, deviceScaleFactor: 1 });
		await page.setContent(
			`<!doctype html><html><head><style>html,body{margin:0;background:transparent}svg{display:block}</style></head>` +
				`<body>${svg(icon.size, icon.radius, icon.scale)}</body></html>`
		);
		const png = await page.screenshot({
			omitBackground: true,
			clip: { x: 0, y: 0, width: icon.size, height: icon.size }
		});
		await page.close();
		const { width, height } = pngSize(png);
		if (width !== icon.size || height !== icon.size)
			throw new Error(`${icon.file}: ${width}x${height}, expected ${icon.size}`);
		writeFileSync(path.join(outDir, icon.file), png);
		console.log(`${icon.file}: ${width}x${height}, ${png.length} bytes`);
	}
	// Keep the favicon's drawing in step (the source of truth for the mark is LEAF above).
	const favicon = readFileSync(path.join(root, 'static', 'favicon.svg'), 'utf8');
	if (!favicon.includes(LEAF)) console.warn('static/favicon.svg no longer draws the same mark: update LEAF here.');
} finally {
	await browser.close();
}
