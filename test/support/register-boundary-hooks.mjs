// `node --import` this file to load the package-boundary hooks with the rules of one entry point,
// given as JSON in a `--boundary-rules=<json>` argument after the script.
import { register } from "node:module";

const flag = "--boundary-rules=";
const arg = process.argv.find((a) => a.startsWith(flag));
if (arg === undefined) throw new Error(`pass the rules as ${flag}<json> after the script`);
register("./boundary-hooks.mjs", import.meta.url, { data: JSON.parse(arg.slice(flag.length)) });
