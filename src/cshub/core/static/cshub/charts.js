// Draws every Vega-Lite chart on the page: each element with data-vega-spec="ID" gets the spec
// held in <script type="application/json" id="ID"> (Django's json_script filter; see
// insights/_chart.html). Loaded as a module after vega, vega-lite and vega-embed
// (includes/chart_scripts.html), which set window.vega, window.vegaLite and window.vegaEmbed.
//
// The site's Content Security Policy allows no eval and no inline styles, so (docs/operating.md,
// "Charts"):
// - expressions are interpreted, not compiled to code: ast + expr (vega-interpreter);
// - the canvas renderer: the SVG renderer writes style attributes;
// - defaultStyle: false and tooltip.disableDefaultStyle: vega-embed and vega-tooltip would each
//   add a <style> element; their rules live in cshub.css instead;
// - actions: false: no export menu (it would open the spec in the online editor, off-site).
import { expressionInterpreter } from "../vendor/vega-interpreter/vega-interpreter.js";

const OPTIONS = {
  ast: true,
  expr: expressionInterpreter,
  renderer: "canvas",
  actions: false,
  defaultStyle: false,
  tooltip: { disableDefaultStyle: true },
  logLevel: 1, // vega.Warn: warnings to the console, nothing chattier
};

function specFor(element) {
  const id = element.dataset.vegaSpec;
  const holder = id && document.getElementById(id);
  if (!holder || holder.type !== "application/json") {
    throw new Error(`chart: no <script type="application/json" id="${id}"> holds its spec`);
  }
  const spec = JSON.parse(holder.textContent);
  // A spec may carry embed options of its own (usermeta.embedOptions), and vega-embed would let
  // them override ours. Ours are the CSP-safe ones: drop theirs.
  if (spec.usermeta) delete spec.usermeta.embedOptions;
  return spec;
}

async function draw(element) {
  // Vega sets the container's role and aria-label from the spec; the template's are kept.
  const role = element.getAttribute("role");
  const label = element.getAttribute("aria-label");
  try {
    await window.vegaEmbed(element, specFor(element), OPTIONS);
    element.dataset.vegaState = "drawn";
  } catch (error) {
    element.dataset.vegaState = "failed";
    console.error(error);
  } finally {
    if (role) element.setAttribute("role", role);
    else element.removeAttribute("role");
    element.removeAttribute("aria-roledescription");
    if (label) element.setAttribute("aria-label", label);
  }
}

export function drawAll(root = document) {
  return Promise.all(Array.from(root.querySelectorAll("[data-vega-spec]"), draw));
}

drawAll();
