// Builds the widget into dist/: wijkwijzer-widget.js and, beside it, wijkwijzer-widget.css.
import * as esbuild from "esbuild";

const options = {
  entryPoints: [
    { in: "src/index.js", out: "wijkwijzer-widget" },
    { in: "src/widget.css", out: "wijkwijzer-widget" },
  ],
  outdir: "dist",
  bundle: true,
  minify: true,
  // An IIFE leaks no globals into the host page.
  format: "iife",
  target: ["chrome100", "firefox100", "safari15", "edge100"],
  legalComments: "eof",
  logLevel: "warning",
};

if (process.argv.includes("--watch")) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  await esbuild.build(options);
}
