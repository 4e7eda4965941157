// The CI formats of `doctor -o`: sarif, junit, github. Each takes the report with locations.
import type { DoctorReport } from '../../settings/doctor/run.ts';
import type { FailOn, OutputFormat, ReportFormat } from '../cli/args.ts';
import { VERSION } from '../cli/help.ts';
import { githubAnnotations } from './github.ts';
import { junit } from './junit.ts';
import { sarif } from './sarif.ts';

export function isReportFormat(format: OutputFormat): format is ReportFormat {
  return format === 'sarif' || format === 'junit' || format === 'github';
}

export function renderReport(format: ReportFormat, report: DoctorReport, failOn: FailOn): string {
  if (format === 'sarif') return sarif(report, VERSION);
  if (format === 'junit') return junit(report, failOn);
  return githubAnnotations(report);
}
