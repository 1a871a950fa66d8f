import type { User } from '../users/user.model.js';
import { AppError } from '../http/app-error.js';

/**
 * A rule says whether a user may do one action, optionally on one resource. Rules are pure and
 * synchronous: the route loads what the rule needs (the document, its assignments…) first.
 */
export type Rule<R = any> = (user: User, resource: R) => boolean;

/** A rule that also answers for a visitor who is not signed in (user null). */
export type PublicRule<R = any> = (user: User | null, resource: R) => boolean;

const rules = new Map<string, Rule>();
const publicActions = new Set<string>();

/** Registers the rules of one domain; an action may be defined only once. */
export function defineRules(domainRules: Record<string, Rule>): void {
  for (const [action, rule] of Object.entries(domainRules)) {
    if (rules.has(action)) throw new Error(`Policy rule "${action}" is defined twice`);
    rules.set(action, rule);
  }
}

/**
 * Registers rules of pages open to everyone, signed in or not (the public signature check): the
 * rule is asked with user null for a visitor, or for an account that is not active.
 */
export function definePublicRules(domainRules: Record<string, PublicRule>): void {
  defineRules(domainRules as Record<string, Rule>);
  for (const action of Object.keys(domainRules)) publicActions.add(action);
}

/** The one question every route asks: may this user do this action (on this resource)? */
export function can(user: User | undefined | null, action: string, resource?: unknown): boolean {
  const rule = rules.get(action);
  if (!rule) throw new Error(`No policy rule for action "${action}"`);
  if (publicActions.has(action))
    return (rule as PublicRule)(user?.isActive ? user : null, resource);
  if (!user || !user.isActive) return false;
  return rule(user, resource);
}

/** Throws a 403 AppError unless the user may do the action. */
export function authorize(user: User | undefined | null, action: string, resource?: unknown): void {
  if (!can(user, action, resource)) throw new AppError('FORBIDDEN', 403);
}

export function definedActions(): string[] {
  return [...rules.keys()].sort();
}
