/**
 * Building SCIM filter expressions (RFC 7644 3.4.2.2). Every value goes through
 * `quoteFilterValue`, so an email such as `a" or userName pr "` stays one string literal
 * and can never widen a lookup.
 */

/**
 * The key two emails are compared by: ASCII letters folded to lower case, nothing else.
 * Unicode case folding would make look-alikes equal (the Kelvin sign K lower-cases to "k").
 */
export function emailKey(email: unknown): string {
	return String(email ?? '').replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

/** Escapes a value as a SCIM filter string literal (JSON string rules: `"`, `\`, control characters). */
export function quoteFilterValue(value: string): string {
	return JSON.stringify(value);
}

export type FilterOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

const ATTRIBUTE_PATH = /^[A-Za-z][\w$-]*(\.[A-Za-z][\w$-]*)?$/;

export function compare(attribute: string, operator: FilterOperator, value: string | boolean): string {
	if (!ATTRIBUTE_PATH.test(attribute)) throw new Error(`Invalid SCIM attribute name: ${attribute}`);
	const literal = typeof value === 'boolean' ? String(value) : quoteFilterValue(value);
	return `${attribute} ${operator} ${literal}`;
}

/** Joins clauses with `and`, each parenthesised so a raw expert filter keeps its own precedence. */
export function allOf(clauses: string[]): string | undefined {
	const present = clauses.filter((clause) => clause.trim() !== '');
	if (present.length === 0) return undefined;
	if (present.length === 1) return present[0];
	return present.map((clause) => `(${clause})`).join(' and ');
}

export function userNameEquals(email: string): string {
	return compare('userName', 'eq', email);
}

/**
 * `userName eq "a" or userName eq "b" ...`: one lookup for several emails. A mixed-case email
 * is also asked for in lower case, so servers that compare `eq` case-sensitively (against
 * RFC 7643's caseExact false) still find what the directory usually stores.
 */
export function userNameIn(emails: string[]): string {
	const variants = new Set(emails.flatMap((email) => [email, emailKey(email)]));
	return [...variants].map(userNameEquals).join(' or ');
}
