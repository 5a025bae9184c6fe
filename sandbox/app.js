// @ts-check
'use strict';

const crypto = require('node:crypto');
const express = require('express');
const { ScimError, invalidValue } = require('./errors');
const { canonicalPath, renderUser, projectUser } = require('./attributes');
const { serviceProviderConfig, userResourceType, userSchema } = require('./discovery');

/** @typedef {import('./index').Sandbox} Sandbox */
/** @typedef {import('express').Request} Request */
/** @typedef {import('express').Response} Response */
/** @typedef {import('express').NextFunction} NextFunction */

const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const JSON_TYPES = ['application/json', 'application/scim+json'];
const MAX_BODY_BYTES = 800000; // Qase's documented limit
const ADMIN_MAX_BODY = '100mb'; // bulk seeding of tens of thousands of users

/**
 * Sends a SCIM answer, or, when a "commit then drop" fault picked this request, closes the
 * connection instead: the work is done but the client never learns the outcome.
 * @param {Response} res
 * @param {number} status
 * @param {unknown} [body] omitted for 204
 * @param {Record<string, string>} [headers]
 */
function answer(res, status, body, headers = {}) {
	if (res.locals.dropInsteadOfAnswer) return dropConnection(res);
	res.locals.record?.(String(status));
	res.status(status).set(headers);
	if (body === undefined) return res.end();
	return res.type('application/scim+json').send(JSON.stringify(body));
}

/** @param {Response} res */
function dropConnection(res) {
	res.locals.dropped = true;
	res.locals.record?.('dropped');
	res.socket?.destroy();
}

/** @param {unknown[]} resources @param {number} totalResults @param {number} startIndex */
function listResponse(resources, totalResults = resources.length, startIndex = 1) {
	return { schemas: [LIST_SCHEMA], totalResults, itemsPerPage: resources.length, startIndex, Resources: resources };
}

/**
 * Compares tokens through their digests: constant time and independent of length.
 * @param {string} token
 */
function tokenChecker(token) {
	const expected = crypto.createHash('sha256').update(token).digest();
	/** @param {Request} req @param {Response} _res @param {NextFunction} next */
	return (req, _res, next) => {
		const presented = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
		const digest = crypto.createHash('sha256').update(presented).digest();
		if (presented && crypto.timingSafeEqual(digest, expected)) return next();
		return next(new ScimError(401, 'Missing or invalid bearer token', undefined, { 'WWW-Authenticate': 'Bearer realm="SCIM"' }));
	};
}

/** @param {string} allowed e.g. "GET, POST" */
const methodNotAllowed = (allowed) => (/** @type {Request} */ req, /** @type {Response} */ _res, /** @type {NextFunction} */ next) =>
	next(new ScimError(405, `${req.method} is not supported here; use ${allowed}`, undefined, { Allow: allowed }));

/** @param {unknown} err */
function toScimError(err) {
	if (err instanceof ScimError) return err;
	const { type, status } = /** @type {{ type?: string, status?: number }} */ (err);
	if (type === 'entity.too.large') return new ScimError(413, `The request body exceeds ${MAX_BODY_BYTES} bytes`);
	if (type === 'entity.parse.failed') return new ScimError(400, 'The request body is not valid JSON', 'invalidSyntax');
	if (type === 'charset.unsupported' || type === 'encoding.unsupported') return new ScimError(415, 'Unsupported body encoding');
	// The client went away while injected latency held its request: nobody is left to answer.
	if (type === 'stream.not.readable' || type === 'request.aborted') return new ScimError(400, 'The client closed the request before its body was read');
	if (status && status >= 400 && status < 500) return new ScimError(status, String(/** @type {Error} */ (err).message));
	console.error('sandbox: unexpected error', err);
	return new ScimError(500, 'Internal server error');
}

/** @param {unknown} err @param {Request} _req @param {Response} res @param {NextFunction} _next */
function errorHandler(err, _req, res, _next) {
	const error = toScimError(err);
	answer(res, error.status, error, error.headers);
}

/** @param {Request} req @param {Response} _res @param {NextFunction} next */
function notFound(req, _res, next) {
	next(new ScimError(404, `Nothing at ${req.method} ${req.baseUrl}${req.path}`));
}

/** @param {Request} req @param {Response} _res @param {NextFunction} next */
function requireJsonBody(req, _res, next) {
	if (req.method !== 'POST' && req.method !== 'PUT' && req.method !== 'PATCH') return next();
	const mediaType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
	if (JSON_TYPES.includes(mediaType)) return next();
	return next(new ScimError(415, `Content-Type must be ${JSON_TYPES.join(' or ')}`));
}

/**
 * @param {unknown} raw
 * @param {string} name
 * @param {number} fallback
 */
function integerParam(raw, name, fallback) {
	if (raw === undefined || raw === '') return fallback;
	if (typeof raw !== 'string' || !/^-?\d+$/.test(raw)) throw invalidValue(`${name} must be an integer`);
	return Number(raw);
}

/** @param {unknown} raw @param {string} name */
function stringParam(raw, name) {
	if (raw === undefined || typeof raw === 'string') return raw;
	throw invalidValue(`${name} must be given once`);
}

/** @param {unknown} raw @param {string} name */
function attributeListParam(raw, name) {
	const list = stringParam(raw, name);
	if (!list) return [];
	return list.split(',').map((item) => {
		const path = canonicalPath(item);
		if (!path) throw invalidValue(`Unknown attribute "${item.trim()}" in ${name}`);
		return path;
	});
}

/**
 * Query parameters of GET /Users (RFC 7644 §3.4.2): startIndex below 1 counts as 1, a negative
 * count as 0, and count is capped at the server's maximum page size.
 * @param {Request['query']} query
 * @param {number} maxPageSize
 */
function listQuery(query, maxPageSize) {
	const sortByParam = stringParam(query.sortBy, 'sortBy');
	const sortBy = sortByParam === undefined ? undefined : canonicalPath(sortByParam);
	if (sortByParam !== undefined && !sortBy) throw invalidValue(`Unknown attribute "${sortByParam}" in sortBy`);
	const sortOrder = (stringParam(query.sortOrder, 'sortOrder') ?? 'ascending').toLowerCase();
	if (sortOrder !== 'ascending' && sortOrder !== 'descending') throw invalidValue('sortOrder must be ascending or descending');
	return {
		filter: stringParam(query.filter, 'filter'),
		sortBy,
		descending: sortOrder === 'descending',
		startIndex: Math.max(1, integerParam(query.startIndex, 'startIndex', 1)),
		count: Math.min(maxPageSize, Math.max(0, integerParam(query.count, 'count', maxPageSize))),
		attributes: attributeListParam(query.attributes, 'attributes'),
		excludedAttributes: attributeListParam(query.excludedAttributes, 'excludedAttributes'),
	};
}

/**
 * The SCIM API under /scim/v2.
 * @param {Sandbox} sandbox
 */
function scimRouter(sandbox) {
	const router = express.Router();
	const { store } = sandbox;
	/** @param {any} user */
	const render = (user) => renderUser(user, sandbox.baseUrl);

	// Count every request, including the ones refused or dropped below.
	router.use((req, res, next) => {
		const { method, path } = req;
		const query = { ...req.query };
		let recorded = false;
		res.locals.record = (/** @type {string} */ status) => {
			if (recorded) return;
			recorded = true;
			sandbox.requestCounters.record({ method, path, query, status });
		};
		res.on('close', () => res.locals.record(res.locals.dropped ? 'dropped' : 'aborted'));
		next();
	});
	// Injected latency holds the request before anything else looks at it.
	router.use((req, _res, next) => sandbox.delay(sandbox.faultInjector.latencyFor(req.method), next));
	router.use(tokenChecker(sandbox.token));
	router.use((_req, _res, next) => {
		const retryAfter = sandbox.rateLimiter.take(Date.now());
		if (retryAfter === 0) return next();
		return next(new ScimError(429, 'Too many requests', undefined, { 'Retry-After': String(retryAfter) }));
	});
	router.use((req, res, next) => {
		const fault = sandbox.faultInjector.decide(req.method);
		if (!fault) return next();
		sandbox.requestCounters.recordFault(fault.kind);
		switch (fault.kind) {
			case 'rateLimited':
				return next(new ScimError(429, 'Too many requests (injected)', undefined, { 'Retry-After': String(fault.retryAfterSeconds) }));
			case 'error':
				return next(new ScimError(fault.status, `Injected failure ${fault.status}`));
			case 'drop':
				return dropConnection(res);
			case 'commitThenDrop':
				res.locals.dropInsteadOfAnswer = true;
				return next();
		}
	});
	router.use(requireJsonBody);
	router.use(express.json({ limit: MAX_BODY_BYTES, type: JSON_TYPES }));

	router
		.route('/Users')
		.get((req, res) => {
			const { attributes, excludedAttributes, ...query } = listQuery(req.query, sandbox.maxPageSize);
			const { totalResults, users } = store.list(query);
			const resources = users.map((user) => projectUser(render(user), attributes, excludedAttributes));
			answer(res, 200, listResponse(resources, totalResults, query.startIndex));
		})
		.post((req, res) => {
			const user = render(store.create(req.body));
			answer(res, 201, user, { Location: user.meta.location });
		})
		.all(methodNotAllowed('GET, POST'));
	router
		.route('/Users/:id')
		.get((req, res) => {
			const attributes = attributeListParam(req.query.attributes, 'attributes');
			const excluded = attributeListParam(req.query.excludedAttributes, 'excludedAttributes');
			answer(res, 200, projectUser(render(store.get(req.params.id)), attributes, excluded));
		})
		.put((req, res) => answer(res, 200, render(store.replace(req.params.id, req.body))))
		.patch((req, res) => answer(res, 200, render(store.patch(req.params.id, req.body))))
		.delete((req, res) => {
			store.remove(req.params.id);
			answer(res, 204);
		})
		.all(methodNotAllowed('GET, PUT, PATCH, DELETE'));

	/** @type {[string, () => unknown][]} */
	const discovery = [
		['/ServiceProviderConfig', () => serviceProviderConfig(sandbox.baseUrl, sandbox.maxPageSize)],
		['/ResourceTypes', () => listResponse([userResourceType(sandbox.baseUrl)])],
		['/ResourceTypes/User', () => userResourceType(sandbox.baseUrl)],
		['/Schemas', () => listResponse([userSchema(sandbox.baseUrl)])],
		[`/Schemas/${userSchema('').id}`, () => userSchema(sandbox.baseUrl)],
	];
	for (const [path, document] of discovery) {
		router.route(path).get((_req, res) => answer(res, 200, document())).all(methodNotAllowed('GET'));
	}
	router.use(notFound);
	router.use(errorHandler);
	return router;
}

/**
 * Test controls under /_sandbox, guarded by the same token; no faults, limits or counting here.
 * @param {Sandbox} sandbox
 */
function adminRouter(sandbox) {
	const router = express.Router();
	router.use(tokenChecker(sandbox.token));
	router.use(express.json({ limit: ADMIN_MAX_BODY, type: JSON_TYPES }));
	router
		.route('/faults')
		.get((_req, res) => answer(res, 200, sandbox.faultInjector.get()))
		.put((req, res) => {
			sandbox.setFaults(req.body);
			answer(res, 200, sandbox.faultInjector.get());
		})
		.all(methodNotAllowed('GET, PUT'));
	router
		.route('/counters')
		.get((_req, res) => answer(res, 200, sandbox.counters()))
		.delete((_req, res) => {
			sandbox.resetCounters();
			answer(res, 204);
		})
		.all(methodNotAllowed('GET, DELETE'));
	router
		.route('/reset')
		.post((req, res) => {
			sandbox.reset({ seed: req.body?.seed ?? true });
			answer(res, 200, { ownerId: sandbox.ownerId, totalResults: sandbox.store.byId.size });
		})
		.all(methodNotAllowed('POST'));
	router
		.route('/users')
		.post((req, res) => {
			const users = sandbox.addUsers(Array.isArray(req.body) ? req.body : req.body?.users);
			answer(res, 201, listResponse(users));
		})
		.all(methodNotAllowed('POST'));
	router.use(notFound);
	router.use(errorHandler);
	return router;
}

/**
 * @param {Sandbox} sandbox
 */
function createApp(sandbox) {
	const app = express();
	app.disable('x-powered-by');
	app.set('etag', false); // ServiceProviderConfig says ETags are not supported
	// A base URL written with a trailing slash joined to "/Users" gives "//Users"; accept it.
	app.use((req, _res, next) => {
		req.url = req.url.replace(/^[^?]*/, (path) => path.replace(/\/{2,}/g, '/'));
		next();
	});
	app.use('/scim/v2', scimRouter(sandbox));
	app.use('/_sandbox', adminRouter(sandbox));
	app.use(notFound);
	app.use(errorHandler);
	return app;
}

module.exports = { createApp };
