import { expect } from 'chai';
import { legendEntryWidth } from '../../src/reports/chart-svg.js';
import { onTimeChartSvg } from '../../src/reports/on-time.chart.js';
import type { OnTimeRow } from '../../src/reports/on-time.service.js';

const LABELS = {
  vi: {
    title: 'Tình hình xử lý đúng hạn',
    onTime: 'Đã xử lý đúng hạn',
    late: 'Đã xử lý quá hạn',
    openInTime: 'Chưa xử lý, còn trong hạn',
    openOverdue: 'Chưa xử lý, đã quá hạn',
  },
  en: {
    title: 'On-time handling',
    onTime: 'Done on time',
    late: 'Done late',
    openInTime: 'Not done, within the deadline',
    openOverdue: 'Not done, overdue',
  },
};

describe('report charts: the legend', () => {
  for (const [lng, labels] of Object.entries(LABELS))
    it(`lays the on-time legend's four entries side by side without overlap, inside the chart (${lng})`, () => {
      const rows = [
        {
          id: 1,
          name: 'Phòng Tài chính - Kế hoạch',
          counts: { onTime: 3, late: 1, openInTime: 2, openOverdue: 1, total: 7, rate: 75 },
        },
      ] as unknown as OnTimeRow[];
      const svg = onTimeChartSvg(rows, labels);
      const width = Number(/viewBox="0 0 (\d+)/.exec(svg)![1]);
      const texts = [...svg.matchAll(/<text x="(\d+)" y="16" font-size="11">([^<]+)<\/text>/g)].map(
        (m) => ({ x: Number(m[1]), label: m[2]! }),
      );
      expect(texts.map((t) => t.label)).to.have.length(4);
      for (let i = 1; i < texts.length; i += 1)
        // The next square starts after this label's estimated end.
        expect(texts[i]!.x - 16).to.be.at.least(
          texts[i - 1]!.x + Math.ceil(texts[i - 1]!.label.length * 6.2),
        );
      const last = texts[texts.length - 1]!;
      expect(last.x - 16 + legendEntryWidth(last.label)).to.be.at.most(width);
    });
});
