/**
 * Classification metrics for the analyst evaluation: per-class precision / recall / F1, macro-F1 and
 * accuracy over paired gold and predicted labels. Pure.
 */

/** Precision, recall and F1 of one class (0 when undefined, e.g. no prediction of the class), and its gold count. */
export interface ClassMetrics {
  readonly label: string;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly support: number;
}

/** Per-class metrics in the order of `labels`, their unweighted mean F1, and accuracy. */
export interface ClassificationReport {
  readonly perClass: readonly ClassMetrics[];
  readonly macroF1: number;
  readonly accuracy: number;
  readonly total: number;
}

/**
 * Scores predictions against gold labels, pairwise by position.
 * @throws RangeError when the two lists differ in length.
 */
export function classificationReport(
  gold: readonly string[],
  predicted: readonly string[],
  labels: readonly string[],
): ClassificationReport {
  if (gold.length !== predicted.length) {
    throw new RangeError(`gold has ${gold.length} labels, predictions ${predicted.length}`);
  }
  const perClass = labels.map((label): ClassMetrics => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    gold.forEach((g, i) => {
      const p = predicted[i];
      if (p === label && g === label) tp += 1;
      else if (p === label) fp += 1;
      else if (g === label) fn += 1;
    });
    const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
    const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { label, precision, recall, f1, support: tp + fn };
  });
  const correct = gold.filter((g, i) => g === predicted[i]).length;
  return {
    perClass,
    macroF1: perClass.length === 0 ? 0 : perClass.reduce((s, c) => s + c.f1, 0) / perClass.length,
    accuracy: gold.length === 0 ? 0 : correct / gold.length,
    total: gold.length,
  };
}
