/** Types for scheduler.mjs (npm start's local cron scheduler), for the unit test. */
export declare function readCrons(tomlText: string): string[];
export declare function readCronsFrom(file: string): string[];
export declare function cronMatches(expr: string, date: Date): boolean;
export declare function startScheduler(options: {
  url: string;
  crons: string[];
  log?: (line: string) => void;
  fire?: (cron: string) => Promise<void>;
  restart?: boolean;
  now?: () => Date;
}): { stop: () => void };
