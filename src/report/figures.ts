/**
 * Vega-Lite → Vega → SVG (view.toSVG, no canvas) → PNG (@resvg/resvg-js with the system fonts).
 * The libraries load on first use, so commands that fail early (bad input) start fast.
 */
export interface RenderedFigure {
  readonly svg: string;
  readonly png: Uint8Array;
}

export async function renderFigure(spec: Record<string, unknown>): Promise<RenderedFigure> {
  const [vega, vegaLite, { Resvg }] = await Promise.all([import('vega'), import('vega-lite'), import('@resvg/resvg-js')]);
  const compiled = vegaLite.compile({ background: 'white', ...spec } as Parameters<typeof vegaLite.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const png = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng();
  return { svg, png };
}
