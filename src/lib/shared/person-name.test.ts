import { describe, expect, it } from 'vitest';
import { Converter } from 'opencc-js/t2cn';
import { normalizeName } from './person-name';

describe('normalizeName (the blind index input)', () => {
	it('full-width and half-width, spaces of every kind, Latin case', () => {
		expect(normalizeName('张 伟')).toBe('张伟');
		expect(normalizeName(' 张\u3000伟\t')).toBe('张伟');
		expect(normalizeName('ＺＨＡＮＧ Ｗｅｉ')).toBe('zhangwei');
		expect(normalizeName('东区财政局１２')).toBe('东区财政局12');
		expect(normalizeName('张\u200b伟')).toBe('张伟');
	});

	it('separator dots of minority and foreign names become one middle dot', () => {
		for (const n of [
			'阿卜杜·热合曼',
			'阿卜杜•热合曼',
			'阿卜杜・热合曼',
			'阿卜杜.热合曼',
			'阿卜杜 · 热合曼',
			'阿卜杜‧热合曼'
		])
			expect(normalizeName(n)).toBe('阿卜杜·热合曼');
		expect(normalizeName('·张伟·')).toBe('张伟');
	});

	it('traditional characters become simplified with the opencc converter', () => {
		const t2s = Converter({ from: 't', to: 'cn' });
		expect(normalizeName('張偉', t2s)).toBe('张伟');
		expect(normalizeName('劉 曉東', t2s)).toBe('刘晓东');
		expect(normalizeName('歐陽', t2s)).toBe('欧阳');
		expect(normalizeName('國家稅務總局東區稅務局', t2s)).toBe(normalizeName('国家税务总局东区税务局', t2s));
		// Without a converter, traditional stays traditional (the pages always pass one).
		expect(normalizeName('張偉')).toBe('張偉');
	});

	it('different names stay different', () => {
		expect(normalizeName('张伟')).not.toBe(normalizeName('张玮'));
		expect(normalizeName('王强')).not.toBe(normalizeName('王 强强'));
	});
});
