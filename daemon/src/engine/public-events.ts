/**
 * Turns each reduced batch into public events: a project event when its public view changed, the facts and progress
 * of its changes (project-facts.ts: what the dashboard's timeline is reduced from), log lines, cluster status.
 */
import type { PublicEventBody, PublicProject } from "../api/types.js";
import type { Action } from "./actions.js";
import { createProjectFacts } from "./project-facts.js";
import { toPublicProject } from "./public-view.js";
import { serviceViews } from "./selectors.js";
import type { EngineState, ProjectState } from "./state.js";

export const createPublicEventDiffer = () => {
  const last = new Map<string, string>();
  const facts = createProjectFacts();
  return (previous: EngineState, next: EngineState, actions: readonly Action[]): PublicEventBody[] => {
    const out: PublicEventBody[] = [];
    // Each changed project's service views, computed once for its view and its progress.
    const computed = new Map<ProjectState, ReturnType<typeof serviceViews>>();
    const views = (project: ProjectState): ReturnType<typeof serviceViews> => {
      const known = computed.get(project);
      if (known !== undefined) return known;
      const fresh = serviceViews(project);
      computed.set(project, fresh);
      return fresh;
    };
    if (previous.cluster !== next.cluster) out.push({ type: "cluster", cluster: next.cluster });
    for (const [name, project] of Object.entries(next.projects)) {
      if (previous.projects[name] === project && last.has(name)) continue;
      const view: PublicProject = toPublicProject(project, views(project));
      const json = JSON.stringify(view);
      if (last.get(name) === json) continue;
      last.set(name, json);
      out.push({ type: "project", project: view });
    }
    out.push(...facts(previous, next, actions, views));
    for (const name of [...last.keys()]) {
      if (!next.projects[name]) {
        last.delete(name);
        out.push({ type: "projectRemoved", project: name });
      }
    }
    for (const a of actions) {
      if (a.type === "log") {
        out.push({ type: "log", source: a.source, level: a.level, line: a.line, ...(a.project === undefined ? {} : { project: a.project }), ...(a.service === undefined ? {} : { service: a.service }) });
      }
    }
    return out;
  };
};
