/**
 * Keeps a client under a number of requests per minute with a token bucket: a small burst
 * (one second's worth) lets short workflows start at once, and the refill spreads the rest of
 * the limit over 61 seconds. No 60-second window then holds more than about 98% of the limit,
 * a margin for requests that reach the server closer together than they left; long batches
 * run steadily at about 97% of it. Callers are served in arrival order.
 */
export class RateLimiter {
	private readonly capacity: number;
	private readonly tokensPerMs: number;
	private tokens: number;
	private refilledAt: number;
	private chain: Promise<void> = Promise.resolve();

	constructor(
		private readonly perMinute: number,
		private readonly sleep: (ms: number) => Promise<void>,
		private readonly now: () => number = Date.now,
	) {
		this.capacity = Math.max(1, Math.floor(perMinute / 60));
		this.tokensPerMs = Math.max(1, perMinute - this.capacity) / 61_000;
		this.tokens = this.capacity;
		this.refilledAt = now();
	}

	/** Resolves when one more request may start. */
	async acquire(): Promise<void> {
		if (!(this.perMinute > 0)) return;
		const turn = this.chain.then(async () => await this.takeToken());
		this.chain = turn.catch(() => undefined);
		await turn;
	}

	private async takeToken(): Promise<void> {
		for (;;) {
			const now = this.now();
			this.tokens = Math.min(this.capacity, this.tokens + (now - this.refilledAt) * this.tokensPerMs);
			this.refilledAt = now;
			if (this.tokens >= 1) {
				this.tokens -= 1;
				return;
			}
			await this.sleep(Math.ceil((1 - this.tokens) / this.tokensPerMs));
		}
	}
}

const limiters = new Map<string, RateLimiter>();

/**
 * One limiter per base URL and limit for the whole n8n process, so that executions running
 * at once (several webhooks, a loop calling the node) share Qase's budget.
 */
export function sharedRateLimiter(baseUrl: string, perMinute: number, sleep: (ms: number) => Promise<void>): RateLimiter {
	const key = `${perMinute} ${baseUrl}`;
	let limiter = limiters.get(key);
	if (!limiter) {
		limiter = new RateLimiter(perMinute, sleep);
		limiters.set(key, limiter);
	}
	return limiter;
}
