/**
 * Times on staff screens and printouts in the organ's time zone (issue 18), not UTC: Asia/Shanghai, the
 * deployment's default (per-organ zones are not configurable yet). `formatAt` gives 'YYYY-MM-DD HH:mm'.
 */
export const ORGAN_TIME_ZONE = 'Asia/Shanghai';

const formatters = new Map<string, Intl.DateTimeFormat>();

/** An ISO instant as 'YYYY-MM-DD HH:mm' in `zone`; the input unchanged when it is not a date. */
export function formatAt(iso: string, zone: string = ORGAN_TIME_ZONE): string {
	const d = new Date(iso);
	if (Number.isNaN(d.getTime())) return iso;
	let f = formatters.get(zone);
	if (!f) {
		f = new Intl.DateTimeFormat('en-CA', {
			timeZone: zone,
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			hourCycle: 'h23'
		});
		formatters.set(zone, f);
	}
	const p = Object.fromEntries(f.formatToParts(d).map((x) => [x.type, x.value]));
	return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}
