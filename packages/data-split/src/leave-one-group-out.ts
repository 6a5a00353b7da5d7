import { SplitError } from "./errors.js";
import {
  type CrossValidator,
  checkLengths,
  foldSplit,
  requireGroups,
  type SampleSource,
  type SplitIndices,
} from "./internal/cv.js";
import { encodeLabels } from "./internal/labels.js";

/** scikit-learn's LeaveOneGroupOut: one split per group (sorted), that group's rows as test. */
export class LeaveOneGroupOut implements CrossValidator {
  getNSplits(_x?: SampleSource, _y?: unknown, groups?: unknown): number {
    requireGroups("LeaveOneGroupOut", groups);
    return encodeLabels(groups, "groups").classes.length;
  }

  *split(x: SampleSource, y?: unknown, groups?: unknown): Generator<SplitIndices> {
    requireGroups("LeaveOneGroupOut", groups);
    checkLengths(x, y, groups);
    const g = encodeLabels(groups, "groups");
    if (g.classes.length <= 1) {
      throw new SplitError(
        "TOO_MANY_SPLITS",
        `The groups parameter contains fewer than 2 unique groups ([${g.classes.map(String).join(", ")}]). LeaveOneGroupOut expects at least 2.`,
      );
    }
    for (let f = 0; f < g.classes.length; f++) yield foldSplit(g.ids, f);
  }
}
