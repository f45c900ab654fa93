/** A case file that cannot be imported; collect.test.ts expects the collector to name it. */
throw new Error('this file fails at import');
