export { detectCatalogFormat, parseCatalogFile } from './detect';
export { displayName, titleCase } from './display-name';
export { parseFdaPackageText, parseFdaProductText, FDA_PACKAGE_REQUIRED, FDA_PRODUCT_REQUIRED } from './fda-text';
export { parseOpenFdaCsv, parseOpenFdaJson, OPENFDA_CSV_REQUIRED } from './openfda';
export { parseCatalogDate, parseFlag, parsePackageNdc, parseProductNdc, readSchedule, splitList, type DateOptions, type ScheduleReading } from './fields';
export { ingredientsFromFdaColumns, ingredientsFromOpenFda, ingredientsFromText, parseStrength, shortStrength, strengthLine } from './ingredients';
export { parsePackageDescription } from './package-description';
export { readCsvRecords, readTabRecords, type DelimitedRecord } from './delimited';
export { decodeCatalogBytes } from './text';
export type {
  CatalogFormat,
  CatalogPackage,
  CatalogProblem,
  CatalogProduct,
  Ingredient,
  PackageLevel,
  PackageSize,
  ParsedCatalogFile,
  ScheduleStatus,
  SourcedPackage,
  SourcedProduct,
} from './types';
