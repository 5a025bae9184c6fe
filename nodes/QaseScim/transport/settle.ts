/** The outcome of a promise as a value, so callers can branch on failures without try/catch. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

export async function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
	return await promise.then(
		(value): Settled<T> => ({ ok: true, value }),
		(error: unknown): Settled<T> => ({ ok: false, error }),
	);
}

/** The outcome of a synchronous call as a value. */
export function attempt<T>(call: () => T): Settled<T> {
	try {
		return { ok: true, value: call() };
	} catch (error) {
		return { ok: false, error };
	}
}
