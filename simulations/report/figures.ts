/** Vega-Lite → Vega → SVG (view.toSVG, no canvas) → PNG (@resvg/resvg-js with the system fonts). */
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export interface RenderedFigure {
  readonly svg: string;
  readonly png: Uint8Array;
}

export async function renderFigure(spec: Record<string, unknown>): Promise<RenderedFigure> {
  const compiled = compile({ background: 'white', ...spec } as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const png = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng();
  return { svg, png };
}
