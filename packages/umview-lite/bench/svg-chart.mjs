// A horizontal bar chart in SVG, log scale, for the seed table (no dependencies: a few
// rectangles and labels).
export function barChartSvg({ title, groups, unit = 's', seedLabel = '2006 (seed)' }) {
  // groups: [{ name, bars: [{ label, value, seed? }] }]
  const rowHeight = 18;
  // Wide enough for the longest label (12 px sans-serif: ~7 px a character).
  const longest = Math.max(0, ...groups.flatMap((g) => g.bars.map((b) => String(b.label).length)));
  const labelWidth = Math.max(230, 24 + Math.ceil(longest * 7));
  const chartWidth = 520;
  const values = groups.flatMap((g) => g.bars.flatMap((b) => [b.value, b.seed].filter((v) => v > 0)));
  const min = Math.min(...values);
  const max = Math.max(...values);
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  const x = (v) => labelWidth + ((Math.log10(v) - lo) / (hi - lo || 1)) * chartWidth;
  const lines = [];
  let y = 40;
  for (const group of groups) {
    lines.push(`<text x="8" y="${y}" font-weight="bold">${escape(group.name)}</text>`);
    y += 8;
    for (const bar of group.bars) {
      y += rowHeight;
      lines.push(`<text x="16" y="${y - 4}" font-size="12">${escape(bar.label)}</text>`);
      if (bar.value > 0) {
        lines.push(`<rect x="${labelWidth}" y="${y - rowHeight + 3}" width="${(x(bar.value) - labelWidth).toFixed(1)}" height="8" fill="#3b6fb6"/>`);
        lines.push(`<text x="${(x(bar.value) + 4).toFixed(1)}" y="${y - rowHeight + 11}" font-size="10">${bar.value.toPrecision(3)} ${unit}</text>`);
      }
      if (bar.seed > 0) {
        lines.push(`<rect x="${labelWidth}" y="${y - rowHeight + 12}" width="${(x(bar.seed) - labelWidth).toFixed(1)}" height="5" fill="#c9a227"/>`);
      }
    }
    y += 12;
  }
  const ticks = [];
  for (let e = lo; e <= hi; e++) {
    const tx = x(10 ** e).toFixed(1);
    ticks.push(`<line x1="${tx}" y1="28" x2="${tx}" y2="${y}" stroke="#ddd"/><text x="${tx}" y="${y + 14}" font-size="10" text-anchor="middle">${10 ** e} ${unit}</text>`);
  }
  const width = labelWidth + chartWidth + 90;
  const height = y + 44;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="8" y="18" font-size="14" font-weight="bold">${escape(title)}</text>`,
    ...ticks,
    ...lines,
    `<rect x="${labelWidth}" y="${height - 20}" width="10" height="8" fill="#3b6fb6"/><text x="${labelWidth + 14}" y="${height - 12}" font-size="11">today (log scale)</text>`,
    `<rect x="${labelWidth + 140}" y="${height - 20}" width="10" height="5" fill="#c9a227"/><text x="${labelWidth + 154}" y="${height - 12}" font-size="11">${escape(seedLabel)}</text>`,
    '</svg>',
  ].join('\n');
}

function escape(text) {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
