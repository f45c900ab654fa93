/**
 * Known, understood differences between the sim and the real BoxLite API (NestJS + Go runner
 * from a checkout; measured at c5f4afd1), by corpus id, each with its reason.
 */
export const REAL_API_DIVERGENCES: Record<string, string> = {};
