/** The dashboard's one stylesheet, inlined in every page: light and dark schemes, narrow screens. */
export const DASHBOARD_CSS = `
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --bg: #ffffff; --card: #f6f8fa; --line: #d1d9e0;
  --accent: #0969da; --bad: #cf222e; --good: #1a7f37; --env: #8250df; --warn: #9a6700; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --card: #151b23; --line: #3d444d;
    --accent: #4493f8; --bad: #f85149; --good: #3fb950; --env: #ab7df8; --warn: #d29922; }
}
* { box-sizing: border-box; }
body { margin: 0; padding: 16px; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 1100px; margin: 0 auto; }
h1 { font-size: 1.5em; margin: 0 0 4px; } h2 { font-size: 1.2em; margin: 24px 0 8px; } h3 { font-size: 1.05em; margin: 16px 0 6px; }
p, li { overflow-wrap: anywhere; }
a { color: var(--accent); }
.muted { color: var(--muted); }
.table-wrap { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
td.num, th.num { text-align: right; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; margin: 8px 0; }
.tag { display: inline-block; padding: 0 6px; border-radius: 10px; font-size: 12px; border: 1px solid currentColor; }
.tag.regression { color: var(--bad); } .tag.improvement { color: var(--good); } .tag.environment { color: var(--env); }
.tag.recovered, .tag.blip, .tag.pending { color: var(--warn); }
svg.chart { width: 100%; height: auto; display: block; font: 11px system-ui, sans-serif; }
svg .lbl { fill: var(--muted); } svg .grid { stroke: var(--line); stroke-width: 1; } svg .axis { stroke: var(--muted); stroke-width: 1; }
svg .pt { fill: var(--accent); } svg .pt-outlier { fill: var(--bg); stroke: var(--warn); stroke-width: 1.5; }
svg .level { stroke: var(--fg); stroke-width: 2; opacity: .6; }
svg .mk { stroke-width: 1.5; stroke-dasharray: 5 3; }
svg .mk-regression { stroke: var(--bad); } svg .mk-improvement { stroke: var(--good); } svg .mk-environment { stroke: var(--env); }
svg .mk-regression-text { fill: var(--bad); } svg .mk-improvement-text { fill: var(--good); } svg .mk-environment-text { fill: var(--env); }
svg .bar { fill: var(--accent); opacity: .55; } svg .outline { fill: none; stroke: var(--bad); stroke-width: 1.5; }
svg .median { stroke: var(--accent); stroke-width: 2; } svg .median-base { stroke: var(--bad); stroke-width: 1.5; stroke-dasharray: 4 3; }
svg .median-text { fill: var(--accent); } svg .median-base-text { fill: var(--bad); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 460px), 1fr)); gap: 8px; }
`;
