// @ts-check
const { parse } = require('scim2-parse-filter');
const { quoteFilterValue, compare, allOf, userNameEquals, userNameIn } = require('../../dist/nodes/QaseScim/transport/filter');

/** What an independent SCIM filter parser makes of an expression. */
const parsed = (/** @type {string} */ expression) => parse(expression);

describe('SCIM filter building', () => {
	test.each([
		['plain@example.com'],
		['quote"inside@example.com'],
		['back\\slash@example.com'],
		['a" or userName pr "@example.com'],
		['x") or (userName pr@example.com'],
		['tab\tand\nnewline@example.com'],
	])('userName eq keeps %j as one literal', (email) => {
		const expression = userNameEquals(email);
		// One comparison, whatever the value holds (an independent parser decides)...
		const tree = parsed(expression);
		expect(tree).toMatchObject({ op: 'eq', attrPath: 'userName' });
		expect(tree).not.toHaveProperty('filters');
		// ...whose literal decodes (JSON string rules, RFC 7644) to exactly the email.
		expect(JSON.parse(expression.slice('userName eq '.length))).toBe(email);
	});

	test('quoteFilterValue escapes quotes and backslashes', () => {
		expect(quoteFilterValue('a"b\\c')).toBe('"a\\"b\\\\c"');
	});

	test('userNameIn is an or of exact comparisons, each value intact', () => {
		const emails = ['a@example.com', 'b"@example.com', 'c\\@example.com'];
		const tree = parsed(userNameIn(emails));
		const leaves = [];
		const walk = (/** @type {any} */ node) => (node.op === 'or' ? node.filters.forEach(walk) : leaves.push(node));
		walk(tree);
		expect(leaves).toHaveLength(emails.length);
		for (const leaf of leaves) expect(leaf).toMatchObject({ op: 'eq', attrPath: 'userName' });
		const literals = userNameIn(emails).split(' or ').map((clause) => JSON.parse(clause.slice('userName eq '.length)));
		expect(literals).toEqual(emails);
	});

	test('allOf parenthesises each clause so a raw or-filter cannot escape', () => {
		const expression = allOf(['active eq true', 'userName sw "a" or userName sw "b"']);
		expect(expression).toBe('(active eq true) and (userName sw "a" or userName sw "b")');
		const tree = parsed(/** @type {string} */ (expression));
		expect(tree.op).toBe('and');
	});

	test('allOf of nothing is undefined; compare refuses odd attribute names', () => {
		expect(allOf(['', ' '])).toBeUndefined();
		expect(() => compare('userName) or (x', 'eq', 'a')).toThrow(/Invalid SCIM attribute/);
		expect(compare('active', 'eq', false)).toBe('active eq false');
	});
});
