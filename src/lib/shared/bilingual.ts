/**
 * A text in both languages of the site, as the server sends it: error messages, routing explanations and
 * the workflow's labels travel as `{ zh, en }` and the page picks its locale's half. (Texts the pages
 * themselves show come from paraglide, messages/*.json.)
 */
export interface Bilingual {
	readonly zh: string;
	readonly en: string;
}
