/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from "vite";
import react from "@vitejs/plugin-react";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

// Where the deploy tool writes its manifests: target/deployments/ for the
// local devnode (the main job and `deploy -- --serve`), deployments/ for
// `--rpc-url` deployments. The local one wins for a chain id found in both,
// because it describes the devnode running on this machine now.
const repo = resolve(__dirname, "..");
const manifestDirs = [join(repo, "target", "deployments"), join(repo, "deployments")];

function readManifests(): Map<string, string> {
  const found = new Map<string, string>();
  for (const dir of manifestDirs) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      if (/^\d+\.json$/.test(name) && !found.has(name)) {
        found.set(name, readFileSync(join(dir, name), "utf8"));
      }
    }
  }
  return found;
}

function indexOf(manifests: Map<string, string>): string {
  const chains = [...manifests.keys()].map((name) => Number(name.replace(".json", "")));
  return JSON.stringify({ chains: chains.sort((a, b) => a - b) });
}

/** Serves (dev) and emits (build) `deployments/index.json` and `deployments/<chain-id>.json`. */
function deploymentManifests(): Plugin {
  return {
    name: "deployment-manifests",
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const match = req.url?.match(/^\/deployments\/(index|\d+)\.json/);
        if (!match) return next();
        const manifests = readManifests();
        const body = match[1] === "index" ? indexOf(manifests) : manifests.get(`${match[1]}.json`);
        if (body === undefined) {
          res.statusCode = 404;
          res.end();
          return;
        }
        res.setHeader("content-type", "application/json");
        res.end(body);
      });
    },
    generateBundle() {
      const manifests = readManifests();
      this.emitFile({ type: "asset", fileName: "deployments/index.json", source: indexOf(manifests) });
      for (const [name, body] of manifests) {
        this.emitFile({ type: "asset", fileName: `deployments/${name}`, source: body });
      }
    },
  };
}

export default defineConfig({
  base: "./",
  // viem, wagmi and the ABI make one chunk of ~680 kB (195 kB gzipped); one file is simplest to serve.
  build: { chunkSizeWarningLimit: 1000 },
  plugins: [react(), deploymentManifests()],
  test: {
    include: ["tests/**/*.test.ts"],
  },
});
