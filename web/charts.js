/* global document */
// Inline SVG charts, drawn at the container's pixel width (so text stays 11 px on a phone
// rather than shrinking with a scaled viewBox). The SVG is hidden from screen readers: each
// chart's figures are in a table beside it (app.js), which is its text alternative.
import { dayParts, formatDay, formatNumber } from './format.js';

const SVG = 'http://www.w3.org/2000/svg';
/** Width an axis date label needs (two lines: "Mon" / "30 Nov"). */
const LABEL_PX = 42;

export function svgEl(name, attributes = {}, text) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** 1, 2 or 5 × 10^n: the step that cuts `span` into about `count` intervals. */
const niceStep = (span, count) => {
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * magnitude).find((step) => step >= raw);
};

function dateLabel(x, y, date) {
  const { weekday, dayMonth } = dayParts(date);
  const text = svgEl('text', { x, y, class: 'tick', 'text-anchor': 'middle' });
  text.append(svgEl('tspan', { x, dy: 0 }, weekday), svgEl('tspan', { x, dy: 13 }, dayMonth));
  return text;
}

function yAxis(svg, { left, right, top, height, lo, hi, step, unit, format }) {
  const y = (v) => top + height - ((v - lo) / (hi - lo)) * height;
  for (let v = lo; v <= hi + step / 1000; v += step) {
    svg.append(
      svgEl('line', { x1: left, x2: right, y1: y(v), y2: y(v), class: v === lo ? 'axis' : 'grid' }),
      svgEl('text', { x: left - 6, y: y(v) + 4, class: 'tick', 'text-anchor': 'end' }, format(v)),
    );
  }
  svg.append(svgEl('text', { x: left - 6, y: top - 10, class: 'unit', 'text-anchor': 'end' }, unit));
  return y;
}

/**
 * Energy balance per day: burned as resting + active stacked, consumed as a bar-wide mark,
 * a day without wellness data (or not synced) as a hatched "no data" slot, never as zero.
 * `days`: [{date, wellnessData, restingKcal, activeKcal, totalKcal, consumedKcal}] with
 * wellnessData false for a day Garmin has nothing for and null for a day not synced.
 */
export function energyChart(days, width) {
  const height = 250;
  const margin = { top: 28, right: 8, bottom: 40, left: 46 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const peak = Math.max(1000, ...days.flatMap((d) => [d.totalKcal ?? 0, (d.restingKcal ?? 0) + (d.activeKcal ?? 0), d.consumedKcal ?? 0]));
  const step = niceStep(peak, 5);
  const svg = svgEl('svg', { width, height, viewBox: `0 0 ${width} ${height}`, class: 'chart', 'aria-hidden': 'true' });
  svg.append(hatch());
  const y = yAxis(svg, { left: margin.left, right: width - margin.right, top: margin.top, height: plotH, lo: 0, hi: Math.ceil(peak / step) * step, step, unit: 'kcal', format: formatNumber });
  const slot = plotW / days.length;
  const bar = Math.max(5, Math.min(30, slot * 0.6));
  const labelEvery = Math.ceil(LABEL_PX / slot);
  days.forEach((day, i) => {
    const cx = margin.left + slot * (i + 0.5);
    const group = svgEl('g', { class: 'day', 'data-date': day.date });
    group.append(svgEl('title', {}, energySentence(day)));
    if (day.wellnessData) {
      const resting = day.restingKcal ?? 0;
      const active = day.activeKcal ?? 0;
      group.append(
        svgEl('rect', { x: cx - bar / 2, y: y(resting), width: bar, height: y(0) - y(resting), class: 'resting' }),
        svgEl('rect', { x: cx - bar / 2, y: y(resting + active), width: bar, height: y(resting) - y(resting + active), class: 'active' }),
      );
      if (slot >= 44 && day.totalKcal !== null) {
        group.append(svgEl('text', { x: cx, y: y(day.totalKcal) - 5, class: 'value', 'text-anchor': 'middle' }, formatNumber(day.totalKcal)));
      }
    } else {
      group.classList.add('no-data');
      group.append(
        svgEl('rect', { x: cx - bar / 2, y: margin.top, width: bar, height: plotH, class: 'no-data' }),
        svgEl('text', { x: cx + 4, y: margin.top + plotH / 2, class: 'no-data-label', 'text-anchor': 'middle', transform: `rotate(-90 ${cx} ${margin.top + plotH / 2})` }, day.wellnessData === false ? 'no data' : 'not synced'),
      );
    }
    if (typeof day.consumedKcal === 'number') {
      const half = Math.min(slot * 0.45, bar / 2 + 6);
      group.append(
        svgEl('line', { x1: cx - half, x2: cx + half, y1: y(day.consumedKcal), y2: y(day.consumedKcal), class: 'consumed' }),
        svgEl('circle', { cx, cy: y(day.consumedKcal), r: 3.5, class: 'consumed' }),
      );
    }
    if ((days.length - 1 - i) % labelEvery === 0) group.append(dateLabel(cx, height - margin.bottom + 15, day.date));
    svg.append(group);
  });
  return svg;
}

/** Weight over a date range: a line through the weigh-ins (several a day: each one), kg axis around them. */
export function weightChart(points, dates, width) {
  const height = 190;
  const margin = { top: 28, right: 14, bottom: 40, left: 46 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const values = points.map((p) => p.weightKg);
  const step = niceStep(Math.max(1, Math.max(...values) - Math.min(...values)), 3);
  const lo = Math.floor(Math.min(...values) / step) * step - step;
  const hi = Math.ceil(Math.max(...values) / step) * step + step;
  const svg = svgEl('svg', { width, height, viewBox: `0 0 ${width} ${height}`, class: 'chart', 'aria-hidden': 'true' });
  const y = yAxis(svg, { left: margin.left, right: width - margin.right, top: margin.top, height: plotH, lo, hi, step, unit: 'kg', format: (v) => formatNumber(v, step < 1 ? 1 : 0) });
  const x = (date) => margin.left + (dates.length === 1 ? plotW / 2 : (dates.indexOf(date) * plotW) / (dates.length - 1));
  const line = points.map((p, i) => `${i ? 'L' : 'M'}${x(p.date).toFixed(1)},${y(p.weightKg).toFixed(1)}`).join('');
  svg.append(svgEl('path', { d: line, class: 'weight-line' }));
  for (const p of points) svg.append(svgEl('circle', { cx: x(p.date), cy: y(p.weightKg), r: 3.5, class: 'weight-point', 'data-date': p.date }));
  const labelled = new Set([dates[0], dates[Math.floor((dates.length - 1) / 2)], dates[dates.length - 1]]);
  for (const date of labelled) svg.append(dateLabel(x(date), height - margin.bottom + 15, date));
  return svg;
}

/** Diagonal stripes for days without figures. */
function hatch() {
  const defs = svgEl('defs');
  const pattern = svgEl('pattern', { id: 'no-data-hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' });
  pattern.append(svgEl('rect', { width: 6, height: 6, class: 'hatch-bg' }), svgEl('line', { x1: 0, y1: 0, x2: 0, y2: 6, class: 'hatch-line' }));
  defs.append(pattern);
  return defs;
}

/** "Mon 30 Nov: 2,310 kcal burned (1,720 resting + 590 active), 1,900 eaten" — one sentence per day. */
export const energySentence = (day) => {
  if (!day.wellnessData) return `${formatDay(day.date)}: ${day.wellnessData === false ? 'no wellness data' : 'not synced'}`;
  const eaten = typeof day.consumedKcal === 'number' ? `, ${formatNumber(day.consumedKcal)} eaten` : '';
  return `${formatDay(day.date)}: ${formatNumber(day.totalKcal)} kcal burned (${formatNumber(day.restingKcal)} resting + ${formatNumber(day.activeKcal)} active)${eaten}`;
};
