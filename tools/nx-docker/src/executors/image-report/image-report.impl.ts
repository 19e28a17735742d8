import { ExecutorContext, logger } from '@nx/devkit';
import { resolve } from 'node:path';
import { ReportArgs, writeReport } from '../../lib/report/report';
import type { ImageReportExecutorSchema } from './schema';

export function reportArgs(options: ImageReportExecutorSchema, root: string): ReportArgs {
  return {
    format: options.format ?? 'text',
    root,
    output: options.output ? resolve(root, options.output) : null,
  };
}

export default async function imageReportExecutor(
  options: ImageReportExecutorSchema,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  try {
    const args = reportArgs(options, context.root);
    // A JUnit document goes to stdout untouched (no logger prefix): it may be piped into a file.
    if (args.format === 'junit' && !args.output) process.stdout.write(writeReport(args));
    else logger.info(writeReport(args));
    return { success: true };
  } catch (error) {
    logger.error(`image-report: ${error instanceof Error ? error.message : String(error)}`);
    return { success: false };
  }
}
