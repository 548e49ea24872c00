/** The init of a JSON POST: the public look-ups take their fields in the body since issue 14. */
export function postJson(body: unknown): RequestInit {
	return { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
