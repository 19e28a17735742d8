export interface ImageReportExecutorSchema {
  format?: 'text' | 'markdown' | 'junit';
  output?: string;
}
