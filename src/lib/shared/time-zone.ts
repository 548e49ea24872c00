/**
 * Times on staff screens and printouts in the organ's time zone (issue 18), not UTC: the zone of the organ
 * holding the report (discipline_organ.time_zone, set by its admin), Asia/Shanghai by default. Every staff
 * page formats its instants through `formatAt` with the zone of `organZone()`
 * (src/lib/components/staff/zone.ts); `formatAt` gives 'YYYY-MM-DD HH:mm'.
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

/** True for an IANA time zone name that this runtime's Intl knows ('Asia/Shanghai', 'UTC'). */
export function isTimeZone(name: string): boolean {
	if (!/^[A-Za-z][A-Za-z0-9_+/-]{0,63}$/.test(name)) return false;
	try {
		new Intl.DateTimeFormat('en-US', { timeZone: name });
		return true;
	} catch {
		return false;
	}
}

/** The zone's offset from UTC at `at`, as 'UTC+08:00' (for printouts that name the zone). */
export function zoneOffset(zone: string, at: Date = new Date()): string {
	const p = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
		.formatToParts(at)
		.find((x) => x.type === 'timeZoneName');
	const v = p?.value ?? 'GMT';
	return v === 'GMT' ? 'UTC+00:00' : v.replace('GMT', 'UTC');
}
