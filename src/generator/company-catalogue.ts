// Word lists the company generator draws from: people's names, company names, call queues, US cities with
// their area codes, and international destinations with per-minute rates.

export const FIRST_NAMES = [
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth',
  'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Christopher', 'Karen',
  'Charles', 'Lisa', 'Daniel', 'Nancy', 'Matthew', 'Betty', 'Anthony', 'Sandra', 'Mark', 'Margaret',
  'Steven', 'Ashley', 'Andrew', 'Kimberly', 'Joshua', 'Emily', 'Kevin', 'Donna', 'Brian', 'Michelle',
  'Wei', 'Priya', 'Carlos', 'Sofia', 'Hiroshi', 'Aisha', 'Mateo', 'Mei', 'Arjun', 'Lucia',
  'Diego', 'Fatima', 'Omar', 'Ana', 'Raj', 'Yuki', 'Ivan', 'Elena', 'Kwame', 'Nadia',
] as const;

export const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin',
  'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson',
  'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores',
  'Chen', 'Patel', 'Kim', 'Wang', 'Singh', 'Tanaka', 'Okafor', 'Kowalski', 'Rossi', 'Silva',
  'Murphy', 'Cohen', 'Novak', 'Ivanova', 'Haddad', 'Mensah', 'Schmidt', 'Dubois', 'Larsen', 'Sato',
] as const;

export const COMPANY_WORDS = [
  'Bayside', 'Redwood', 'Summit', 'Pioneer', 'Golden Gate', 'Cypress', 'Harbor', 'Evergreen', 'Lakeshore',
  'Northstar', 'Sierra', 'Coastal', 'Pacific', 'Granite', 'Silverline', 'Blue Oak',
] as const;

export const COMPANY_TRADES = [
  'Logistics', 'Dental Group', 'Realty', 'Software', 'Insurance', 'Medical Partners', 'Legal', 'Supply',
  'Home Services', 'Financial', 'Engineering', 'Auto Group', 'Travel', 'Property Management',
] as const;

export const COMPANY_SUFFIXES = ['Inc.', 'LLC', 'Co.', 'Corp.'] as const;

/** Call queues (Department extensions) in the order they are created; `weight` is their share of queue calls. */
export const QUEUE_CATALOGUE = [
  { name: 'Sales', weight: 0.35, autoRecord: false },
  { name: 'Support', weight: 0.35, autoRecord: true },
  { name: 'Billing', weight: 0.12, autoRecord: true },
  { name: 'Front Desk', weight: 0.12, autoRecord: false },
  { name: 'Operations', weight: 0.06, autoRecord: false },
] as const;

export interface City {
  areaCode: string;
  city: string;
  state: string;
}

/** The first five are the company's local calling area (internalType `Local`). */
export const CITIES: readonly City[] = [
  { areaCode: '650', city: 'Palo Alto', state: 'CA' },
  { areaCode: '415', city: 'San Francisco', state: 'CA' },
  { areaCode: '408', city: 'San Jose', state: 'CA' },
  { areaCode: '510', city: 'Oakland', state: 'CA' },
  { areaCode: '669', city: 'San Jose', state: 'CA' },
  { areaCode: '213', city: 'Los Angeles', state: 'CA' },
  { areaCode: '619', city: 'San Diego', state: 'CA' },
  { areaCode: '916', city: 'Sacramento', state: 'CA' },
  { areaCode: '206', city: 'Seattle', state: 'WA' },
  { areaCode: '503', city: 'Portland', state: 'OR' },
  { areaCode: '702', city: 'Las Vegas', state: 'NV' },
  { areaCode: '602', city: 'Phoenix', state: 'AZ' },
  { areaCode: '303', city: 'Denver', state: 'CO' },
  { areaCode: '801', city: 'Salt Lake City', state: 'UT' },
  { areaCode: '214', city: 'Dallas', state: 'TX' },
  { areaCode: '512', city: 'Austin', state: 'TX' },
  { areaCode: '713', city: 'Houston', state: 'TX' },
  { areaCode: '312', city: 'Chicago', state: 'IL' },
  { areaCode: '612', city: 'Minneapolis', state: 'MN' },
  { areaCode: '313', city: 'Detroit', state: 'MI' },
  { areaCode: '404', city: 'Atlanta', state: 'GA' },
  { areaCode: '305', city: 'Miami', state: 'FL' },
  { areaCode: '407', city: 'Orlando', state: 'FL' },
  { areaCode: '704', city: 'Charlotte', state: 'NC' },
  { areaCode: '202', city: 'Washington', state: 'DC' },
  { areaCode: '215', city: 'Philadelphia', state: 'PA' },
  { areaCode: '212', city: 'New York', state: 'NY' },
  { areaCode: '718', city: 'Brooklyn', state: 'NY' },
  { areaCode: '617', city: 'Boston', state: 'MA' },
  { areaCode: '615', city: 'Nashville', state: 'TN' },
];

export const LOCAL_CITY_COUNT = 5;

export const TOLL_FREE_PREFIXES = ['800', '888', '877', '866', '855'] as const;

/** International destinations: E.164 prefix, digits after it, and the per-minute rate charged. */
export const INTERNATIONAL_DESTINATIONS = [
  { prefix: '+4420', digits: 8, ratePerMinute: 0.029 },
  { prefix: '+4930', digits: 8, ratePerMinute: 0.035 },
  { prefix: '+331', digits: 8, ratePerMinute: 0.032 },
  { prefix: '+5255', digits: 8, ratePerMinute: 0.09 },
  { prefix: '+9122', digits: 8, ratePerMinute: 0.05 },
  { prefix: '+8133', digits: 7, ratePerMinute: 0.07 },
  { prefix: '+612', digits: 8, ratePerMinute: 0.04 },
] as const;

export const BUSINESS_CONTACT_NAMES = [
  'ACME SUPPLY', 'NORTHWIND TRADE', 'CONTOSO LTD', 'FABRIKAM INC', 'GLOBEX CORP', 'INITECH', 'UMBRELLA CORP',
  'STARK INDUSTRS', 'WAYNE ENTRPRS', 'HOOLI', 'VANDELAY IND', 'PIED PIPER', 'SOYLENT CORP', 'TYRELL CORP',
] as const;
