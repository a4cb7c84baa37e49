// The models take parsed input; tests call them as a page, the API or a socket handler would: the raw input is
// parsed once with the shared schema first, so validation errors surface exactly as they do at the edges (as a
// rejected promise, like every model call).
import type { Actor } from "~/auth/permissions.server";
import * as cases from "~/models/cases.server";
import type { CreateOptions } from "~/models/changes.server";
import * as clues from "~/models/clues.server";
import * as comments from "~/models/comments.server";
import * as leads from "~/models/leads.server";
import * as reviews from "~/models/reviews.server";
import * as searchModel from "~/models/search.server";
import * as taskforces from "~/models/taskforces.server";
import * as tasks from "~/models/tasks.server";
import * as tokens from "~/models/tokens.server";
import * as users from "~/models/users.server";
import { parseInput } from "~/utils/forms.server";
import { membershipSchema, newTaskforceSchema, newTokenSchema, newUserSchema, roleChangeSchema } from "~/validation/accounts";
import { caseFiltersSchema, createCaseSchema, updateCaseSchema } from "~/validation/case";
import { createClueSchema, listCluesQuerySchema, updateClueSchema } from "~/validation/clue";
import { createCommentSchema } from "~/validation/comment";
import { createLeadSchema, leadFiltersSchema, updateLeadSchema } from "~/validation/lead";
import { decideReviewSchema, requestReviewSchema } from "~/validation/review";
import { searchQuerySchema } from "~/validation/search";
import { createTaskSchema, taskBoardQuerySchema, updateTaskSchema } from "~/validation/task";

export const listCases = async (actor: Actor, filters: unknown = {}) => cases.listCases(actor, parseInput(caseFiltersSchema, filters));
export const createCase = async (actor: Actor, input: unknown, options?: CreateOptions) => cases.createCase(actor, parseInput(createCaseSchema, input), options);
export const updateCase = async (actor: Actor, caseId: string, input: unknown) => cases.updateCase(actor, caseId, parseInput(updateCaseSchema, input));

export const listClues = async (actor: Actor, caseId: string, query: unknown = {}) => clues.listClues(actor, caseId, parseInput(listCluesQuerySchema, query));
export const createClue = async (actor: Actor, caseId: string, input: unknown, options?: CreateOptions) => clues.createClue(actor, caseId, parseInput(createClueSchema, input), options);
export const updateClue = async (actor: Actor, clueId: string, input: unknown) => clues.updateClue(actor, clueId, parseInput(updateClueSchema, input));

export const listLeads = async (actor: Actor, caseId: string, filters: unknown = {}) => leads.listLeads(actor, caseId, parseInput(leadFiltersSchema, filters));
export const createLead = async (actor: Actor, caseId: string, input: unknown, options?: CreateOptions) => leads.createLead(actor, caseId, parseInput(createLeadSchema, input), options);
export const updateLead = async (actor: Actor, leadId: string, input: unknown) => leads.updateLead(actor, leadId, parseInput(updateLeadSchema, input));

export const createTask = async (actor: Actor, caseId: string, input: unknown, options?: CreateOptions) => tasks.createTask(actor, caseId, parseInput(createTaskSchema, input), options);
export const updateTask = async (actor: Actor, taskId: string, input: unknown) => tasks.updateTask(actor, taskId, parseInput(updateTaskSchema, input));
export const taskBoard = async (actor: Actor, query: unknown = {}) => tasks.taskBoard(actor, parseInput(taskBoardQuerySchema, query));

export const createComment = async (actor: Actor, input: unknown, options?: CreateOptions) => comments.createComment(actor, parseInput(createCommentSchema, input), options);

export async function requestReview(actor: Actor, itemType: unknown, itemId: unknown) {
  const target = parseInput(requestReviewSchema, { itemType, itemId });
  return reviews.requestReview(actor, target.itemType, target.itemId);
}
export async function decideReview(actor: Actor, itemType: unknown, itemId: unknown, input: unknown) {
  const target = parseInput(requestReviewSchema, { itemType, itemId });
  return reviews.decideReview(actor, target.itemType, target.itemId, parseInput(decideReviewSchema, input));
}

export const search = async (actor: Actor, input: unknown) => searchModel.search(actor, parseInput(searchQuerySchema, typeof input === "string" ? { q: input } : input));

export const createAccessToken = async (actor: Actor, input: unknown) => tokens.createAccessToken(actor, parseInput(newTokenSchema, input));
export const createUser = async (actor: Actor, input: unknown) => users.createUser(actor, parseInput(newUserSchema, input));
export const changeUserRole = async (actor: Actor, input: unknown) => users.changeUserRole(actor, parseInput(roleChangeSchema, input));
export const createTaskforce = async (actor: Actor, input: unknown) => taskforces.createTaskforce(actor, parseInput(newTaskforceSchema, input));
export const addTaskforceMember = async (actor: Actor, input: unknown) => taskforces.addTaskforceMember(actor, parseInput(membershipSchema, input));
