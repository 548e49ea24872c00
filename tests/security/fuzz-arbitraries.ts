/**
 * fast-check arbitraries of malformed HTTP requests for the fuzzing test (tests/e2e/fuzz.e2e.ts): wrong
 * types, huge fields, broken UTF-8 and base64, bad versions, wrong content types, missing bodies,
 * duplicated parameters, deep JSON, NaN/Infinity/negative numbers, overlong strings and NUL bytes.
 */
import fc from 'fast-check';

export interface FuzzRequest {
	method: string;
	/** Path and query, as sent (may hold broken percent-encoding). */
	path: string;
	headers: Record<string, string>;
	body?: string | Uint8Array;
	/** What the generator did, for failure reports. */
	note: string;
}

/* ------------------------------------------------------------------ values */

const long = (n: number, ch = 'A') => ch.repeat(n);

/** Odd scalar and structured values for a JSON field. */
export const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
	{
		weight: 4,
		arbitrary: fc.constantFrom<unknown>(
			null,
			true,
			false,
			0,
			-1,
			-0,
			1.5,
			-1e308,
			1e308,
			2 ** 53,
			2 ** 64,
			Number.MAX_SAFE_INTEGER,
			Number.MIN_SAFE_INTEGER,
			'',
			' ',
			'\u0000',
			'\uD800',
			'\uDFFF\uD800',
			'0',
			'-1',
			'NaN',
			'Infinity',
			'1e309',
			'../../etc/passwd',
			"' OR '1'='1",
			'<script>',
			[],
			{},
			[null],
			{ '': '' },
			{ __proto__: { x: 1 } },
			{ constructor: { prototype: {} } }
		)
	},
	{ weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
	{ weight: 2, arbitrary: fc.integer() },
	{ weight: 2, arbitrary: fc.double() },
	{ weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
	{ weight: 1, arbitrary: fc.base64String({ maxLength: 120 }) },
	{ weight: 1, arbitrary: fc.integer({ min: 1, max: 40_000 }).map((n) => long(n)) },
	{
		weight: 1,
		arbitrary: fc.integer({ min: 1, max: 500 }).map((n) => JSON.parse('['.repeat(n) + ']'.repeat(n)) as unknown)
	},
	{ weight: 1, arbitrary: fc.array(fc.integer(), { maxLength: 2_000 }) }
);

/** Odd strings for query parameters and form fields (before encoding). */
export const weirdString: fc.Arbitrary<string> = fc.oneof(
	{
		weight: 3,
		arbitrary: fc.constantFrom(
			'',
			' ',
			'\u0000',
			'a\u0000b',
			'\uD800',
			'0',
			'-1',
			'1e309',
			'NaN',
			'Infinity',
			'00000000000000000001',
			"' OR 1=1 --",
			'"; drop table report; --',
			'%',
			'%zz',
			'../',
			'\r\n',
			'\u202e',
			'高新区',
			'gxq',
			'top_leader',
			'public_tip',
			'1',
			'o-sf-c01',
			'sf-c01-k02-d04',
			'true',
			'[]',
			'{}'
		)
	},
	{ weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
	{ weight: 2, arbitrary: fc.string({ maxLength: 60 }) },
	{ weight: 1, arbitrary: fc.integer().map(String) },
	{ weight: 1, arbitrary: fc.double().map(String) },
	{ weight: 1, arbitrary: fc.integer({ min: 51, max: 9_000 }).map((n) => long(n, '清')) },
	{ weight: 1, arbitrary: fc.base64String({ maxLength: 100 }) }
);

/** Encodes a string for a URL, or deliberately breaks the encoding. */
export const encodedString: fc.Arbitrary<string> = fc
	.tuple(weirdString, fc.constantFrom('ok', 'ok', 'ok', 'raw', 'broken'))
	.map(([s, how]) => {
		if (how === 'broken')
			return `${safeEncode(s)}${['%', '%zz', '%C3%28', '%FF%FE', '%E0%A4%A', '%00', '%ED%A0%80'][s.length % 7]}`;
		if (how === 'raw') return s.replace(/[#\s]/g, '');
		return safeEncode(s);
	});

function safeEncode(s: string): string {
	try {
		return encodeURIComponent(s);
	} catch {
		return encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, '')) + '%ED%A0%80';
	}
}

/** A query string from real and made-up parameter names, often repeated. */
export function queryString(names: readonly string[]): fc.Arbitrary<string> {
	const name = fc.oneof(
		{ weight: 4, arbitrary: fc.constantFrom(...names) },
		{ weight: 1, arbitrary: fc.constantFrom('x', '', '__proto__', 'q[]', 'unit[0]', '%00', 'a%zz') }
	);
	return fc
		.array(fc.tuple(name, encodedString, fc.boolean()), { maxLength: 8 })
		.map((pairs) => pairs.map(([n, v, bare]) => (bare && v === '' ? n : `${n}=${v}`)).join('&'));
}

/* ------------------------------------------------------------------ JSON bodies */

type Path = (string | number)[];

function pathsOf(v: unknown, prefix: Path = [], depth = 0, out: Path[] = []): Path[] {
	if (depth > 3 || v === null || typeof v !== 'object') return out;
	for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
		const p = [...prefix, Array.isArray(v) ? Number(k) : k];
		out.push(p);
		pathsOf(child, p, depth + 1, out);
	}
	return out;
}

const DELETE = Symbol('delete');

function setPath(root: unknown, path: Path, value: unknown): unknown {
	const copy = structuredClone(root) as Record<string | number, unknown>;
	let at = copy as Record<string | number, unknown>;
	for (const key of path.slice(0, -1)) {
		const next = at[key];
		if (next === null || typeof next !== 'object') return copy;
		at = next as Record<string | number, unknown>;
	}
	const last = path[path.length - 1]!;
	if (value === DELETE) delete at[last];
	else at[last] = value;
	return copy;
}

/**
 * A template object with one to three fields replaced by odd values or deleted, or extra fields added.
 * Every result differs from the template in at least one place. `keep` paths (e.g. the version) may be
 * left valid so the mutation reaches deeper checks.
 */
export function mutatedJson(template: unknown): fc.Arbitrary<unknown> {
	const paths = pathsOf(template);
	const change = fc.tuple(
		fc.constantFrom(...paths),
		fc.oneof({ weight: 5, arbitrary: weirdValue }, { weight: 1, arbitrary: fc.constant<unknown>(DELETE) })
	);
	return fc.oneof(
		{
			weight: 8,
			arbitrary: fc
				.array(change, { minLength: 1, maxLength: 3 })
				.map((cs) => cs.reduce<unknown>((acc, [p, v]) => setPath(acc, p, v), template))
		},
		{
			weight: 1,
			arbitrary: fc
				.tuple(fc.string({ maxLength: 10 }), weirdValue)
				.map(([k, v]) => ({ ...(template as object), [k || 'extra']: v, v: 999 }))
		},
		{ weight: 1, arbitrary: weirdValue }
	);
}

/** Raw body texts that are not valid JSON, or JSON the schema cannot like. */
const rawJsonText: fc.Arbitrary<string> = fc.oneof(
	fc.constantFrom(
		'',
		' ',
		'null',
		'NaN',
		'Infinity',
		'-Infinity',
		'{"bytes": NaN}',
		'{"files":[{"bytes":Infinity}]}',
		'{"nonce": 1e999}',
		'{',
		'}',
		'[',
		'{"a":1,}',
		"{'a':1}",
		'{"a":1}{"b":2}',
		'\u0000',
		'{"locator":"A","locator":"B"}',
		'{"purpose":"intake","purpose":"receipt"}',
		'{"__proto__":{"admin":true}}',
		'"\\ud800"',
		'{"v":1e400}',
		'[]'.repeat(5000)
	),
	fc.string({ unit: 'binary', maxLength: 200 }),
	fc.json({ maxDepth: 4 })
);

/** Bytes that are not UTF-8. */
const brokenUtf8: fc.Arbitrary<Uint8Array> = fc.oneof(
	fc.constantFrom(
		new Uint8Array([0xff, 0xfe]),
		new Uint8Array([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]),
		new Uint8Array([0xed, 0xa0, 0x80]),
		new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]),
		new Uint8Array([0xc0, 0x80])
	),
	fc.uint8Array({ minLength: 1, maxLength: 512 })
);

/** A large body (above the small JSON cap of 16 KiB, and now and then above adapter-node's 512 KiB). */
const hugeBody: fc.Arbitrary<string> = fc.constantFrom(20_000, 70_000, 600_000).map((n) => `{"x":"${long(n)}"}`);

export const JSON_TYPES = [
	'application/json',
	'application/json; charset=utf-8',
	'Application/JSON',
	'application/json; charset=latin1'
];
const OTHER_TYPES = [
	'text/plain',
	'',
	'application/x-www-form-urlencoded',
	'multipart/form-data; boundary=x',
	'application/octet-stream',
	'application/json;;;',
	'application/jsonx',
	'text/json',
	'application/ld+json'
];

/** A malformed request to a JSON POST endpoint built around a valid-looking template body. */
export function jsonRequest(
	path: string,
	template: unknown,
	extraHeaders: fc.Arbitrary<Record<string, string>> = fc.constant({})
): fc.Arbitrary<FuzzRequest> {
	const body = fc.oneof(
		{
			weight: 12,
			arbitrary: mutatedJson(template).map((v) => ({
				body: JSON.stringify(v) ?? 'undefined',
				note: 'mutated template'
			}))
		},
		{ weight: 3, arbitrary: rawJsonText.map((t) => ({ body: t, note: 'raw text' })) },
		{ weight: 2, arbitrary: brokenUtf8.map((b) => ({ body: b as string | Uint8Array, note: 'broken utf-8' })) },
		{
			weight: 1,
			arbitrary: fc
				.integer({ min: 100, max: 20_000 })
				.map((n) => ({ body: '['.repeat(n) + ']'.repeat(n), note: `deep array ${n}` }))
		},
		{ weight: 1, arbitrary: fc.constant({ body: undefined as string | undefined, note: 'no body' }) },
		{ weight: 1, arbitrary: hugeBody.map((b) => ({ body: b, note: `huge ${b.length}` })) }
	);
	const type = fc.oneof(
		{ weight: 9, arbitrary: fc.constantFrom(...JSON_TYPES) },
		{ weight: 2, arbitrary: fc.constantFrom(...OTHER_TYPES) },
		{ weight: 1, arbitrary: fc.constant(null) }
	);
	const method = fc.oneof(
		{ weight: 30, arbitrary: fc.constant('POST') },
		{ weight: 1, arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS') }
	);
	const query = fc.oneof(
		{ weight: 9, arbitrary: fc.constant('') },
		{ weight: 1, arbitrary: queryString(['v', 'purpose', 'locator']).map((q) => `?${q}`) }
	);
	return fc
		.record({ body, type, method, query, extra: extraHeaders })
		.map(({ body: b, type: t, method: m, query: q, extra }) => {
			const headers: Record<string, string> = { ...extra };
			if (t !== null) headers['content-type'] = t;
			const sendsBody = m !== 'GET' && m !== 'OPTIONS' && b.body !== undefined;
			return {
				method: m,
				path: path + q,
				headers,
				body: sendsBody ? b.body : undefined,
				note: `${m} ${t ?? '(no type)'} ${b.note}`
			};
		});
}

/** A GET with a fuzzed query string (plus odd methods now and then). */
export function getRequest(
	path: string,
	names: readonly string[],
	extraHeaders: fc.Arbitrary<Record<string, string>> = fc.constant({})
): fc.Arbitrary<FuzzRequest> {
	return fc
		.record({
			q: queryString(names),
			method: fc.oneof(
				{ weight: 20, arbitrary: fc.constant('GET') },
				{ weight: 1, arbitrary: fc.constantFrom('POST', 'PUT', 'DELETE', 'HEAD') }
			),
			extra: extraHeaders
		})
		.map(({ q, method, extra }) => ({
			method,
			path: q ? `${path}?${q}` : path,
			headers: extra,
			note: `${method} ?${q.slice(0, 80)}`
		}));
}

/* ------------------------------------------------------------------ forms */

const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data'];

/**
 * A malformed form POST: real and made-up field names (often repeated), odd values, encodings that break
 * (bad percent-encoding, multipart without or with a wrong boundary, random bytes), other content types.
 * `action` is the query of a named action (`?/enrol`) or ''. `base` holds the headers every request of this
 * target carries (origin, cookie); now and then the origin or the cookie is left off or mangled.
 */
export function formRequest(
	path: string,
	action: string,
	names: readonly string[],
	base: Record<string, string>,
	valueFor?: (name: string) => fc.Arbitrary<string>
): fc.Arbitrary<FuzzRequest> {
	const field = fc
		.constantFrom(...names)
		.chain((n) =>
			fc.tuple(
				fc.constant(n),
				valueFor ? fc.oneof({ weight: 2, arbitrary: valueFor(n) }, { weight: 3, arbitrary: weirdString }) : weirdString
			)
		);
	const junkField = fc.tuple(fc.constantFrom('x', '', '__proto__', 'token[]', 'a\u0000b'), weirdString);
	const fields = fc.array(fc.oneof({ weight: 6, arbitrary: field }, { weight: 1, arbitrary: junkField }), {
		maxLength: 8
	});
	const encoding = fc.constantFrom(
		'urlencoded',
		'urlencoded',
		'urlencoded',
		'multipart',
		'multipart',
		'urlencoded-broken',
		'multipart-broken',
		'multipart-noboundary',
		'text/plain',
		'json',
		'bytes',
		'none'
	);
	const headerMode = fc.constantFrom(
		'json-action',
		'json-action',
		'json-action',
		'json-action',
		'json-action',
		'json-action',
		'html',
		'no-origin',
		'bad-origin',
		'bad-cookie'
	);
	const actionQuery = fc.oneof(
		{ weight: 12, arbitrary: fc.constant(action) },
		{ weight: 1, arbitrary: fc.constantFrom('?/nope', '?/', '?/default', '?/%00', '?/' + long(300, 'a')) }
	);
	return fc
		.record({ fields, encoding, headerMode, actionQuery, bytes: fc.uint8Array({ maxLength: 300 }) })
		.map(({ fields: fs, encoding: enc, headerMode: hm, actionQuery: aq, bytes }) => {
			const headers: Record<string, string> = { ...base };
			if (hm === 'json-action') {
				headers['x-sveltekit-action'] = 'true';
				headers.accept = 'application/json';
			}
			if (hm === 'no-origin') delete headers.origin;
			if (hm === 'bad-origin') headers.origin = 'https://evil.example';
			if (hm === 'bad-cookie')
				headers.cookie = `qf_session=${'x'.repeat(bytes.length)}.${Buffer.from(bytes).toString('hex')}`;
			let body: string | Uint8Array | undefined;
			let type: string | undefined;
			const urlencoded = () => fs.map(([k, v]) => `${encodeURIComponent(k)}=${safeEncode(v)}`).join('&');
			switch (enc) {
				case 'urlencoded':
					type = FORM_TYPES[0];
					body = urlencoded();
					break;
				case 'urlencoded-broken':
					type = FORM_TYPES[0];
					body = `${urlencoded()}&authKey=%zz&code=%E0%A4%A&token=%`;
					break;
				case 'multipart': {
					const boundary = `----fuzz${bytes.length}`;
					type = `multipart/form-data; boundary=${boundary}`;
					body =
						fs
							.map(
								([k, v]) =>
									`--${boundary}\r\nContent-Disposition: form-data; name="${k.replace(/["\r\n]/g, '')}"\r\n\r\n${v}\r\n`
							)
							.join('') + `--${boundary}--\r\n`;
					break;
				}
				case 'multipart-broken':
					type = 'multipart/form-data; boundary=zzz';
					body = bytes.length % 2 ? bytes : `--zzz\r\nContent-Disposition: form-data; name="code"\r\n\r\n123`;
					break;
				case 'multipart-noboundary':
					type = 'multipart/form-data';
					body = urlencoded();
					break;
				case 'text/plain':
					type = 'text/plain';
					body = urlencoded();
					break;
				case 'json':
					type = 'application/json';
					body = JSON.stringify(Object.fromEntries(fs));
					break;
				case 'bytes':
					type = FORM_TYPES[bytes.length % 2];
					body = bytes;
					break;
				case 'none':
					break;
			}
			if (type) headers['content-type'] = type;
			return {
				method: 'POST',
				path: path + aq,
				headers,
				body,
				note: `${enc} ${hm} ${aq} fields=${fs.map(([k]) => k).join(',')}`
			};
		});
}
