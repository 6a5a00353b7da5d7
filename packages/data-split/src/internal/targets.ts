import { SplitError } from "../errors.js";
import { type EncodedLabels, encodeLabels } from "./labels.js";

/** Labels for the k-fold family: binary or multiclass only, as scikit-learn's type_of_target. */
export function classLabels(where: string, y: unknown): EncodedLabels {
  const labels = encodeLabels(y, "y");
  if (labels.target === "multilabel" || labels.target === "continuous") {
    const name = labels.target === "multilabel" ? "multilabel-indicator" : "continuous";
    throw new SplitError(
      "UNSUPPORTED_TARGET",
      `${where}: supported target types are: ('binary', 'multiclass'). Got '${name}' instead. ${
        labels.target === "continuous"
          ? "Bin a continuous target into classes first."
          : "Use StratifiedShuffleSplit, which treats each distinct label row as a class."
      }`,
    );
  }
  return labels;
}
