import { describe, expect, it } from "vitest";
import { getTask, listMyTasks, listTasks } from "~/models/tasks.server";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/utils/errors.server";
import { prisma } from "~/db.server";
import { createTeam } from "../helpers/factories";
import { leadAs } from "../helpers/workspace";
import { createTask, taskBoard, updateTask } from "../helpers/edge";

const day = 24 * 60 * 60 * 1000;
const isoDate = (offsetDays: number) => new Date(Date.now() + offsetDays * day).toISOString().slice(0, 10);

describe("tasks", () => {
  it("lets a coordinator assign a task to a member with a due date, audited", async () => {
    const team = await createTeam();
    const task = await createTask(team.coordinator, team.case.id, { title: "Check socket catalogue", assigneeId: team.analyst.id, dueDate: isoDate(3) });
    expect(task).toMatchObject({ status: "TODO", assigneeId: team.analyst.id, createdById: team.coordinator.id, caseReference: team.case.reference, overdue: false });
    expect(await prisma.auditEvent.count({ where: { itemId: task.id, action: "task.assign" } })).toBe(1);
    expect(await prisma.roomEvent.count({ where: { itemId: task.id, type: "task.assigned" } })).toBe(1);
  });

  it("refuses assignment by an analyst, and assignees outside the taskforce or who cannot see the lead", async () => {
    const team = await createTeam();
    await expect(createTask(team.analyst, team.case.id, { title: "x", assigneeId: team.analyst.id })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(createTask(team.coordinator, team.case.id, { title: "x", assigneeId: team.outsider.id })).rejects.toBeInstanceOf(ValidationError);
    await expect(createTask(team.coordinator, team.case.id, { title: "x", assigneeId: team.liaison.id })).rejects.toBeInstanceOf(ValidationError);
    const strictLead = await leadAs(team.coordinator, team.case.id, { handlingCode: "AMBER_STRICT" });
    const error = await createTask(team.coordinator, team.case.id, { title: "x", assigneeId: team.analystOtherAgency.id, leadId: strictLead.id }).catch((e) => e);
    expect(error.fields.assigneeId[0]).toMatch(/can see this lead/);
    const ok = await createTask(team.coordinator, team.case.id, { title: "x", assigneeId: team.analyst.id, leadId: strictLead.id });
    expect(ok.leadTitle).toBe(strictLead.title);
    await expect(getTask(team.analystOtherAgency, ok.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("lets the assignee move it through doing / blocked (with a reason) / done, and nothing else", async () => {
    const team = await createTeam();
    const task = await createTask(team.coordinator, team.case.id, { title: "Call the retailer", assigneeId: team.analyst.id });
    const doing = await updateTask(team.analyst, task.id, { version: 1, status: "DOING" });
    const noReason = await updateTask(team.analyst, task.id, { version: doing.version, status: "BLOCKED" }).catch((e) => e);
    expect(noReason.fields.blockedReason[0]).toMatch(/blocked on/);
    const blocked = await updateTask(team.analyst, task.id, { version: doing.version, status: "BLOCKED", blockedReason: "Waiting for the warrant" });
    expect(blocked.blockedReason).toBe("Waiting for the warrant");
    const done = await updateTask(team.analyst, task.id, { version: blocked.version, status: "DONE" });
    expect(done).toMatchObject({ status: "DONE", blockedReason: "" });
    await expect(updateTask(team.analyst, task.id, { version: done.version, title: "Renamed" })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(updateTask(team.analystOtherAgency, task.id, { version: done.version, status: "TODO" })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(updateTask(team.analyst, task.id, { version: 1, status: "TODO" })).rejects.toBeInstanceOf(ConflictError);
    // A change of nothing by someone else is refused too: it would bump the version under the assignee's next edit.
    await expect(updateTask(team.analystOtherAgency, task.id, { version: done.version })).rejects.toBeInstanceOf(ForbiddenError);
    expect((await updateTask(team.analyst, task.id, { version: done.version, status: "DONE" })).version).toBe(done.version + 1);
  });

  it("hides tasks from liaisons, admins and other taskforces", async () => {
    const team = await createTeam();
    const task = await createTask(team.coordinator, team.case.id, { title: "x", assigneeId: team.analyst.id });
    for (const actor of [team.liaison, team.admin, team.outsider]) await expect(getTask(actor, task.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await listTasks(team.liaison, team.case.id)).toEqual([]);
    await expect(listTasks(team.outsider, team.case.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("shows the coordinator's board by assignee and status, overdue first", async () => {
    const team = await createTeam();
    const assign = (title: string, assigneeId: string, dueDate?: string) => createTask(team.coordinator, team.case.id, { title, assigneeId, dueDate });
    const later = await assign("Due later", team.analyst.id, isoDate(5));
    const undated = await assign("No due date", team.analyst.id);
    const overdue = await assign("Overdue", team.analyst.id, isoDate(-2));
    const soon = await assign("Due soon", team.analyst.id, isoDate(1));
    const otherOverdue = await assign("Other's overdue", team.analystOtherAgency.id, isoDate(-1));
    const doingOverdue = await assign("Doing, overdue", team.analystOtherAgency.id, isoDate(-3));
    await updateTask(team.analystOtherAgency, doingOverdue.id, { version: 1, status: "DOING" });

    const board = await taskBoard(team.coordinator, { caseId: team.case.id });
    const lane = board.lanes.find((l) => l.assignee.id === team.analyst.id)!;
    expect(lane.byStatus.TODO.map((t) => t.title)).toEqual([overdue.title, soon.title, later.title, undated.title]);
    expect(board.lanes[0].assignee.id).toBe(team.analystOtherAgency.id); // two overdue tasks
    expect(board.lanes[0].byStatus.DOING.map((t) => t.title)).toEqual([doingOverdue.title]);
    expect(board.tasks.slice(0, 3).every((t) => t.overdue)).toBe(true);
    expect(board.tasks.map((t) => t.id)).toContain(otherOverdue.id);
    await expect(taskBoard(team.analyst, { caseId: team.case.id })).rejects.toBeInstanceOf(ForbiddenError);
    expect((await listTasks(team.analyst, team.case.id)).map((t) => t.title)[0]).toBe(doingOverdue.title);
  });

  it("shows an analyst their own tasks, open ones first", async () => {
    const team = await createTeam();
    const mine = await createTask(team.coordinator, team.case.id, { title: "Mine", assigneeId: team.analyst.id, dueDate: isoDate(2) });
    const finished = await createTask(team.coordinator, team.case.id, { title: "Finished", assigneeId: team.analyst.id, dueDate: isoDate(-5) });
    await updateTask(team.analyst, finished.id, { version: 1, status: "DONE" });
    await createTask(team.coordinator, team.case.id, { title: "Someone else's", assigneeId: team.analystOtherAgency.id });
    expect((await listMyTasks(team.analyst)).map((t) => t.id)).toEqual([mine.id, finished.id]);
  });
});
