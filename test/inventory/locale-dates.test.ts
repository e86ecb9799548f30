import { getHotfixFormat } from '../../src/inventory/parsers/get-hotfix';
import { dateOrderOfLocale, fileDateOrder, readLocaleDate } from '../../src/inventory/locale-dates';

const HEADER = '"PSComputerName","InstalledOn","HotFixID"\n';
const hotfixes = (dates: string[], locale?: string) =>
  getHotfixFormat.parse({
    name: 'hotfix.csv',
    text: HEADER + dates.map((d, i) => `"FS0${i}","${d}","KB95864${i}"`).join('\n') + '\n',
    ...(locale ? { locale } : {}),
  });

describe('locale dates (Get-HotFix InstalledOn)', () => {
  it('knows the order of common locales through Intl', () => {
    expect(dateOrderOfLocale('en-US')).toBe('mdy');
    expect(dateOrderOfLocale('en-GB')).toBe('dmy');
    expect(dateOrderOfLocale('de-DE')).toBe('dmy');
    expect(dateOrderOfLocale('ja-JP')).toBe('ymd');
    expect(dateOrderOfLocale('not a locale!')).toBeUndefined();
  });

  it('reads forms that prove their own order: year first, dotted day.month.year, a part above 12, ISO', () => {
    expect(readLocaleDate('2008/10/24 0:00:00')).toEqual({ ok: true, iso: '2008-10-24' });
    expect(readLocaleDate('24.10.2008 00:00:00')).toEqual({ ok: true, iso: '2008-10-24' });
    expect(readLocaleDate('10/24/2008')).toEqual({ ok: true, iso: '2008-10-24' });
    expect(readLocaleDate('24/10/2008')).toEqual({ ok: true, iso: '2008-10-24' });
    expect(readLocaleDate('2008-10-24 00:00:00')).toEqual({ ok: true, iso: '2008-10-24' });
  });

  it('leaves an ambiguous date unknown, saying why, unless the file or a stated locale settles it', () => {
    const alone = readLocaleDate('03/04/2009');
    expect(alone.ok).toBe(false);
    expect(!alone.ok && alone.problem).toMatch(/could be month\/day or day\/month.*--locale/);
    expect(readLocaleDate('03/04/2009', fileDateOrder([{ text: '10/24/2008', where: 'line 2' }]))).toEqual({
      ok: true,
      iso: '2009-03-04',
    });
    expect(readLocaleDate('03/04/2009', fileDateOrder([], 'en-GB'))).toEqual({ ok: true, iso: '2009-04-03' });
    expect(readLocaleDate('3/4/09').ok).toBe(false);
  });

  it('Get-HotFix: one export settles its own order; a contradicting or unsettled export warns per line', () => {
    expect(hotfixes(['10/24/2008 12:00:00 AM', '3/4/2009 12:00:00 AM']).fixes.map((f) => f.installedOn)).toEqual([
      '2008-10-24',
      '2009-03-04',
    ]);
    const unsettled = hotfixes(['03/04/2009', '05/06/2009']);
    expect(unsettled.fixes.map((f) => f.installedOn)).toEqual([undefined, undefined]);
    expect(unsettled.warnings).toEqual([
      expect.stringMatching(
        /^hotfix\.csv \(line 2\): KB958640 InstalledOn "03\/04\/2009" could be month\/day or day\/month/,
      ),
      expect.stringMatching(/^hotfix\.csv \(line 3\): KB958641 InstalledOn "05\/06\/2009"/),
    ]);
    expect(hotfixes(['03/04/2009', '05/06/2009'], 'de-DE').fixes.map((f) => f.installedOn)).toEqual([
      '2009-04-03',
      '2009-06-05',
    ]);
    const contradicting = hotfixes(['10/24/2008', '24/10/2008', '01/02/2009']);
    expect(contradicting.fixes.map((f) => f.installedOn)).toEqual(['2008-10-24', '2008-10-24', undefined]);
    expect(contradicting.warnings).toEqual([expect.stringMatching(/line 4.*contradict each other/)]);
  });
});
