/** The form of the four forms against the sanction (issue 18): every party and government sanction × form. */
import { describe, expect, it } from 'vitest';
import { GOVERNMENT_SANCTION_CODES, PARTY_SANCTION_CODES } from '../../shared/vocabulary/workflow';
import { checkOutcome, formMismatch, hasSanction, isOutcome } from './outcomes';

const LIGHT_PARTY = ['warning', 'serious_warning'];
const LIGHT_GOVERNMENT = ['warning', 'demerit', 'major_demerit'];

describe('form against sanction', () => {
	it('the second form takes only light sanctions; the third and fourth only heavy ones', () => {
		for (const form of ['form2', 'form3', 'form4'] as const) {
			for (const party of PARTY_SANCTION_CODES) {
				const fits = form === 'form2' ? LIGHT_PARTY.includes(party) : !LIGHT_PARTY.includes(party);
				expect(checkOutcome({ kind: 'handled', form, party }, 'final'), `${form} ${party}`).toBe(
					fits ? null : 'form_mismatch'
				);
			}
			for (const government of GOVERNMENT_SANCTION_CODES) {
				const fits = form === 'form2' ? LIGHT_GOVERNMENT.includes(government) : !LIGHT_GOVERNMENT.includes(government);
				expect(checkOutcome({ kind: 'handled', form, government }, 'final'), `${form} ${government}`).toBe(
					fits ? null : 'form_mismatch'
				);
			}
		}
	});

	it('only the fourth form refers to the procuratorate', () => {
		expect(formMismatch({ kind: 'handled', form: 'form4', party: 'expulsion', procuratorate: true })).toBe(false);
		expect(formMismatch({ kind: 'handled', form: 'form3', party: 'expulsion', procuratorate: true })).toBe(true);
		expect(formMismatch({ kind: 'handled', form: 'form2', procuratorate: true })).toBe(true);
	});

	it('accountability measures (问责) are outcomes too, checked as codes', () => {
		expect(isOutcome({ kind: 'handled', form: 'form1', accountability: ['circulated_criticism'] })).toBe(true);
		expect(
			isOutcome({
				kind: 'handled',
				form: 'form2',
				organizational: ['job_adjustment'],
				accountability: ['org_reorganization']
			})
		).toBe(true);
		expect(isOutcome({ kind: 'handled', form: 'form1', accountability: [] })).toBe(false);
		expect(isOutcome({ kind: 'handled', form: 'form1', accountability: ['sacked'] })).toBe(false);
		expect(isOutcome({ kind: 'handled', form: 'form1', accountability: ['admonishment', 'admonishment'] })).toBe(false);
		expect(hasSanction({ kind: 'handled', form: 'form2', party: 'warning' })).toBe(true);
		expect(hasSanction({ kind: 'handled', form: 'form1', accountability: ['admonishment'] })).toBe(false);
	});
});
